package cutover.firebase;

import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: write an export file, open it through the provider, read every item. */
final class Exports {
    private Exports() {}

    static Path write(Path dir, String name, String json) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, json);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Single quotes stand for double quotes, to keep JSON in Java strings readable. */
    static String json(String text) {
        return text.replace('\'', '"');
    }

    static Source source(Path location) {
        Connector c = Connectors.of(List.of(new FirestoreExportProvider())).open("firestore-export:" + location);
        return Connectors.require(c, Source.class);
    }

    static List<RecordReader.Item> readAll(Path location) {
        Source source = source(location);
        List<RecordReader.Item> items = new ArrayList<>();
        for (Split split : source.splits(1)) items.addAll(read(source, split, Position.START));
        return items;
    }

    static List<RecordReader.Item> read(Source source, Split split, Position from) {
        List<RecordReader.Item> items = new ArrayList<>();
        try (RecordReader reader = source.read(split, from)) {
            for (RecordReader.Item item = reader.next(); item != null; item = reader.next()) items.add(item);
        }
        return items;
    }

    static List<cutover.model.Record> records(List<RecordReader.Item> items) {
        return items.stream().filter(i -> i instanceof RecordReader.Ok).map(i -> ((RecordReader.Ok) i).record()).toList();
    }

    static List<RecordReader.Unreadable> unreadable(List<RecordReader.Item> items) {
        return items.stream().filter(i -> i instanceof RecordReader.Unreadable).map(i -> (RecordReader.Unreadable) i).toList();
    }
}
