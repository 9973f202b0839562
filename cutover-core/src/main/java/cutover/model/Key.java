package cutover.model;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The key of a record within its entity. A table row's key is its primary key columns, in order; a
 * Firestore document's key is the document ids from the root: {@code users/u1/posts/p1} has the key
 * {@code ["u1", "p1"]} in {@code users/*&#47;posts}, so the first parts are its parent's key.
 */
public record Key(List<Value> parts) implements Comparable<Key> {
    public Key {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) throw new IllegalArgumentException("a key needs at least one part");
    }

    public static Key of(Value... parts) { return new Key(List.of(parts)); }

    public static Key of(String... ids) {
        List<Value> parts = new ArrayList<>(ids.length);
        for (String id : ids) parts.add(Value.of(id));
        return new Key(parts);
    }

    /** The key of a document path: {@code posts/p1/comments/c1} gives {@code ["p1", "c1"]}. */
    public static Key ofDocumentPath(String documentPath) {
        String[] parts = documentPath.split("/", -1);
        if (parts.length < 2 || parts.length % 2 != 0) {
            throw new IllegalArgumentException("not a document path (collection/id[/collection/id...]): " + documentPath);
        }
        List<Value> ids = new ArrayList<>(parts.length / 2);
        for (int i = 1; i < parts.length; i += 2) ids.add(Value.of(parts[i]));
        return new Key(ids);
    }

    /** The document path of this key in a Firestore-style entity ({@code users/*&#47;posts} + {@code [u1,p1]}). */
    public String documentPath(EntityName entity) {
        List<String> collections = entity.collectionIds();
        if (collections.size() != parts.size()) {
            throw new IllegalArgumentException("key " + this + " does not fit entity " + entity);
        }
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) path.append('/');
            path.append(collections.get(i)).append('/').append(textOf(parts.get(i)));
        }
        return path.toString();
    }

    /** The key of the parent document (all parts but the last); empty for a top-level key. */
    public java.util.Optional<Key> parent() {
        return parts.size() < 2 ? java.util.Optional.empty() : java.util.Optional.of(new Key(parts.subList(0, parts.size() - 1)));
    }

    public Value last() { return parts.get(parts.size() - 1); }

    @Override
    public int compareTo(Key o) {
        int n = Math.min(parts.size(), o.parts.size());
        for (int i = 0; i < n; i++) {
            int c = parts.get(i).compareTo(o.parts.get(i));
            if (c != 0) return c;
        }
        return Integer.compare(parts.size(), o.parts.size());
    }

    private static String textOf(Value v) {
        return v instanceof Value.Text t ? t.value() : v.toString();
    }

    /** Human form for messages: {@code u1/p1}. */
    @Override
    public String toString() {
        return parts.stream().map(Key::textOf).collect(Collectors.joining("/"));
    }
}
