package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cutover.backup.Repository;
import cutover.backup.RepositoryOptions;
import cutover.backup.Snapshot;
import cutover.connector.Connector;
import cutover.connector.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference reader (docs/reference-reader/read_backup.py, Python written from
 * docs/backup-format.md and docs/value-encoding.md alone, by someone who did not read Cutover's code)
 * reads what Cutover writes: every snapshot of a PostgreSQL source (a base read in key ranges, with
 * a folder of files; change layers learnt from the log, keys of one and two columns deleted; the
 * layers compacted into a new base) gives the rows the source held at its moment, the files come
 * back as they were, record streams give every value kind as the database holds it, a Firestore
 * export's snapshot gives the documents Google's emulator stored, and a byte flipped in a pack is
 * found. When the format changes and its document does not follow, this
 * fails.
 */
class ReferenceReaderIT {
    private static final Path READER = Path.of("..", "docs", "reference-reader", "read_backup.py").toAbsolutePath().normalize();
    private static final String PYTHON = System.getProperty("cutover.python", "/usr/bin/python3");
    private static final String PASSPHRASE = "reference reader passphrase";
    private static final String SRC = "cutover_it_reader_src";
    private static final String SLOT = "cutover_it_reader";
    private static final List<String> TABLES = List.of("accounts", "order lines", "notes");

    @TempDir Path dir;

    @Test
    void readsEverySnapshotOfADatabaseAsTheDatabaseHeldIt() throws Exception {
        LocalPostgres.Server pg = LocalPostgres.LOGICAL;
        pg.recreate(SRC);
        pg.sql(SRC, "create table accounts (id bigint primary key, name text not null, balance numeric(14,2), opened timestamptz,"
                        + " tags text[], meta jsonb, photo bytea, active boolean default true)",
                "insert into accounts select g, 'name ' || g || case when g % 7 = 0 then E' tab\\there\\nnewline \\\\ back' else '' end,"
                        + " case when g % 5 = 0 then null else g * 1.25 end, timestamptz '2020-01-01 00:00:00+00' + g * interval '1 hour 3 seconds',"
                        + " case when g % 3 = 0 then array['a', 'b c', null] else null end,"
                        + " case when g % 4 = 0 then jsonb_build_object('k', g, 'nested', jsonb_build_array(1, 'x', null)) else null end,"
                        + " case when g % 6 = 0 then decode(md5(g::text), 'hex') else null end, g % 2 = 0 from generate_series(1, 20000) g",
                "create table \"order lines\" (order_id int, line smallint, sku varchar(20), qty int check (qty > 0), price double precision,"
                        + " primary key (order_id, line))",
                "insert into \"order lines\" select o, l, 'SKU-' || (o * l), 1 + (o + l) % 9, (o * l) / 3.0 from generate_series(1, 3000) o, generate_series(1, 4) l",
                "create table notes (id text primary key, body text, at date, ratio real, u uuid)",
                "insert into notes select 'n-' || lpad(g::text, 5, '0') || case when g % 9 = 0 then ' é€😀' else '' end, repeat('é€😀 ', g % 5),"
                        + " date '2000-01-01' + g, g / 7.0, md5(g::text)::uuid from generate_series(1, 500) g",
                // the schema's objects: the manifest (version 8) carries them, the reader writes them out as they are
                "create function rich(b numeric) returns boolean language sql as $$ select b > 1000 $$",
                "create view rich_accounts as select id from accounts where rich(balance)", "comment on table notes is 'kept'",
                "analyze");
        Path files = dir.resolve("files");
        Files.createDirectories(files.resolve("sub"));
        Files.writeString(files.resolve("a.txt"), "file one\n");
        byte[] random = new byte[300_000]; // many chunks
        new java.util.Random(5).nextBytes(random);
        Files.write(files.resolve("sub").resolve("b.bin"), random);
        Files.writeString(files.resolve("empty"), "");

        Repository repo = Repository.init(dir.resolve("repo"), PASSPHRASE, RepositoryOptions.forCommands());
        Map<String, Map<String, List<String>>> held = new LinkedHashMap<>(); // snapshot id -> table -> its COPY lines at the snapshot
        List<String> changes = List.of(
                "update accounts set balance = balance + 1, name = name || ' (changed)' where id % 97 = 0; delete from accounts where id % 101 = 0;"
                        + " insert into accounts (id, name) select g, 'late ' || g from generate_series(20001, 20100) g;"
                        + " update \"order lines\" set qty = qty + 1 where order_id % 50 = 0; delete from notes where id = 'n-00007'",
                "update accounts set active = not active where id between 100 and 300; insert into notes values ('zz', null, null, null, null);"
                        + " delete from \"order lines\" where order_id in (1000, 2500) or (order_id = 1700 and line = 2)",
                "delete from accounts where id between 5000 and 9000; update notes set body = 'again' where id like 'n-001%'");
        Snapshot latest = null;
        for (int round = 0; round <= changes.size(); round++) {
            if (round > 0) pg.sql(SRC, changes.get(round - 1).split("; "));
            Map<String, String> settings = Map.of("split-rows", "3000", cutover.postgres.PostgresProvider.FOLLOW_CHANGES.name(), SLOT);
            try (Connector c = Endpoints.openSource(pg.location(SRC), 4, settings)) {
                Repository.BackupBuilder backup = repo.backup().source(pg.location(SRC)).readers(2);
                if (round < 2) backup.folder(files);
                latest = backup.from(Endpoints.require(c, Source.class));
            }
            held.put(latest.id(), tables(pg));
        }
        // what the reader must handle is there: a base of several parts, layers with keys parts, a chunk list
        cutover.backup.EntitySnapshot accounts = latest.entities().stream().filter(e -> e.name().equals("accounts")).findFirst().orElseThrow();
        assertThat(accounts.changes().layers()).as("accounts' layers").hasSizeGreaterThan(1).anySatisfy(l -> assertThat(l.keysPart()).isPositive());
        assertThat(accounts.changes().firstLayerPart(accounts.streamParts().size())).as("accounts' base parts").isGreaterThan(1);
        assertThat(accounts.chunkList()).as("accounts' chunk list").isNotNull();
        cutover.backup.EntitySnapshot lines = latest.entities().stream().filter(e -> e.name().equals("order lines")).findFirst().orElseThrow();
        assertThat(lines.changes().layers()).as("order lines' layers (a key of two columns)").anySatisfy(l -> assertThat(l.keysPart()).isPositive());
        Snapshot compacted = repo.compact(latest, e -> true).orElseThrow();
        held.put(compacted.id(), held.get(latest.id()));
        pg.drop(SRC);

        Run list = read("list");
        for (String id : held.keySet()) assertThat(list.out()).contains(id.substring(0, 8));
        assertThat(list.out()).contains("COPY text").contains("parts").contains("layers");
        for (Map.Entry<String, Map<String, List<String>>> snapshot : held.entrySet()) {
            Path out = dir.resolve("dump-" + snapshot.getKey().substring(0, 8));
            Run dump = read("dump", snapshot.getKey(), out.toString());
            for (String table : TABLES) {
                // in key order for the integer keys; the text key's order is the server's collation, which the manifest does not hold
                List<String> read = Files.readAllLines(out.resolve(table + ".copy"), StandardCharsets.UTF_8);
                List<String> expected = snapshot.getValue().get(table);
                if (table.equals("notes")) {
                    read = new ArrayList<>(read); read.sort(null);
                    expected = new ArrayList<>(expected); expected.sort(null);
                }
                assertThat(read).as("%s of snapshot %s\n%s", table, snapshot.getKey(), dump).containsExactlyElementsOf(expected);
            }
            com.fasterxml.jackson.databind.JsonNode schema = Json.MAPPER.readTree(out.resolve("schema.json").toFile());
            assertThat(schema.get("format").asText()).isEqualTo("postgresql/schema/2");
            assertThat(schema.get("body").get("views").get(0).get("name").asText()).isEqualTo("rich_accounts");
            assertThat(schema.get("body").get("functions").get(0).get("definition").asText()).startsWith("CREATE OR REPLACE FUNCTION rich(b numeric)");
            assertThat(schema.get("body").get("comments").get(0).get("text").asText()).isEqualTo("kept");
        }
        String first = held.keySet().iterator().next();
        Path restored = dir.resolve("files-restored");
        read("files", first, restored.toString());
        for (String file : List.of("a.txt", "sub/b.bin", "empty"))
            assertThat(Files.readAllBytes(restored.resolve(file))).as(file).isEqualTo(Files.readAllBytes(files.resolve(file)));
        assertThat(read("check").out()).contains(": ok");

        // a byte flipped in a pack of a copy: found, named, exit 2
        Path damaged = dir.resolve("damaged");
        LocalPostgres.copyFolder(dir.resolve("repo"), damaged);
        Path pack;
        try (var packs = Files.walk(damaged.resolve("data"))) {
            pack = packs.filter(Files::isRegularFile).max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(pack);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(pack, bytes);
        Run check = run(damaged, "check");
        assertThat(check.exit()).as(check.toString()).isEqualTo(2);
        assertThat(check.err()).contains(pack.getFileName().toString());
    }

    @Test
    void readsTheDocumentsOfAManagedExportAsGooglesEmulatorStoredThem() throws Exception {
        Path fixture = Path.of(System.getProperty("cutover.fixtures", "/work/shared/fixtures"), "firestore-managed-export");
        Repository repo = Repository.init(dir.resolve("repo"), PASSPHRASE, RepositoryOptions.forCommands());
        Snapshot snapshot;
        String location = "firestore-managed-export:" + fixture.resolve("export");
        try (Connector c = Endpoints.openSource(location, 2, Map.of())) {
            snapshot = repo.backup().source(location).from(Endpoints.require(c, Source.class));
        }
        Path out = dir.resolve("dump");
        read("dump", snapshot.id(), out.toString());

        JsonNode fixtureDocuments = Json.MAPPER.readTree(fixture.resolve("documents.json").toFile());
        Map<String, JsonNode> read = new HashMap<>();
        String prefix = "projects/" + fixtureDocuments.get("projectId").asText() + "/databases/" + fixtureDocuments.get("database").asText() + "/documents/";
        try (var dumped = Files.list(out)) {
            for (Path f : dumped.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                String name = f.getFileName().toString();
                String[] collections = URLDecoder.decode(name.substring(0, name.length() - ".jsonl".length()), StandardCharsets.UTF_8).replace("/*", "").split("/");
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    JsonNode record = Json.MAPPER.readTree(line);
                    StringBuilder path = new StringBuilder();
                    for (int i = 0; i < collections.length; i++)
                        path.append(i == 0 ? "" : "/").append(collections[i]).append('/').append(record.get("key").get(i).get("text").asText());
                    ObjectNode fields = JsonNodeFactory.instance.objectNode();
                    record.get("fields").fields().forEachRemaining(field -> fields.set(field.getKey(), firestoreValue(field.getValue(), prefix)));
                    read.put(path.toString(), normalized(fields));
                }
            }
        }
        ObjectNode stored = fixtureDocuments.get("documents").deepCopy();
        fixtureDocuments.get("storedDifferences").fields().forEachRemaining(document -> document.getValue().fields().forEachRemaining(difference -> {
            String[] steps = difference.getKey().split("\\.");
            ObjectNode at = (ObjectNode) stored.get(document.getKey());
            for (int i = 0; i < steps.length - 1; i++) at = (ObjectNode) at.get(steps[i]);
            at.set(steps[steps.length - 1], difference.getValue().get("stored"));
        }));
        Map<String, JsonNode> expected = new HashMap<>();
        stored.fields().forEachRemaining(document -> expected.put(document.getKey(), normalized(document.getValue())));
        assertThat(read).hasSize(20).isEqualTo(expected);
    }

    /**
     * A table without a primary key is stored as its rows' COPY text in ctid order, no key part or
     * layer: the reader gives exactly the lines {@code COPY … TO STDOUT} gives, equal rows and all.
     */
    @Test
    void readsATableWithoutAKeyAsItsOwnLines() throws Exception {
        String db = "cutover_it_reader_keyless";
        LocalPostgres.recreate(db);
        LocalPostgres.sql(db, "create table log (at timestamp, v text, n int[])",
                "insert into log select timestamp '2024-01-01' + g * interval '1 hour', case when g % 4 = 0 then null else 'v' || (g % 3) end,"
                        + " array[g % 2] from generate_series(1, 500) g",
                "insert into log values ('infinity', E'a\tb', '{}'), ('infinity', E'a\tb', '{}')", "update log set v = 'moved' where v = 'v1'");
        List<String> copied = new ArrayList<>();
        try (Connection c = LocalPostgres.connect(db)) {
            var out = new java.io.ByteArrayOutputStream();
            new org.postgresql.copy.CopyManager(c.unwrap(org.postgresql.core.BaseConnection.class))
                    .copyOut("COPY (SELECT * FROM log ORDER BY ctid) TO STDOUT", out);
            copied.addAll(List.of(out.toString(StandardCharsets.UTF_8).split("\n")));
        }
        Repository repo = Repository.init(dir.resolve("repo"), PASSPHRASE, RepositoryOptions.forCommands());
        Snapshot snapshot;
        try (Connector c = Endpoints.openSource(LocalPostgres.location(db), 2, Map.of())) {
            snapshot = repo.backup().source(LocalPostgres.location(db)).from(Endpoints.require(c, Source.class));
        }
        LocalPostgres.drop(db);
        assertThat(snapshot.entities().get(0).keyColumns()).isEmpty();
        Path out = dir.resolve("keyless-dump");
        read("dump", snapshot.id(), out.toString());
        assertThat(Files.readAllLines(out.resolve("log.copy"), StandardCharsets.UTF_8)).hasSize(502).isEqualTo(copied);
    }

    /**
     * A source that gives records, not its database's own text (MySQL, SQLite, Firestore), is stored
     * as record streams (docs/value-encoding.md): PostgreSQL's values through such a source, for
     * their range of kinds: decimals of every size, dates, times with and without a zone, arrays with
     * nulls, bytes, NaN, infinities and -0.0, points, uuids; the reader's values are the database's.
     */
    @Test
    void readsRecordStreamsOfEveryKindAsTheDatabaseHoldsThem() throws Exception {
        String db = "cutover_it_reader_streams";
        LocalPostgres.recreate(db);
        LocalPostgres.sql(db, "create table readings (id int primary key, amount numeric(30,7), day date, at timestamptz, local timestamp,"
                        + " tags text[], raw bytea, ok boolean, ratio float8, u uuid, spot point)",
                "insert into readings select g, case g % 5 when 0 then null when 1 then -g * 1.5 when 2 then 0.0000001 * g"
                        + " when 3 then 12345678901234567890.1234567 + g else g end,"
                        + " case g % 4 when 0 then null when 1 then date '0044-03-15' + g when 2 then date '9999-12-31' - g else date '1900-02-28' + g end,"
                        + " timestamptz '1969-12-31 23:59:59.999999+00' + g * interval '1 day 1.000123 seconds',"
                        + " case when g % 9 = 0 then null else timestamp '2024-02-29 12:34:56.5' + g * interval '1 hour' end,"
                        + " case when g % 3 = 0 then array['x', null, 'é€😀 ' || g] when g % 3 = 1 then '{}'::text[] end,"
                        + " case when g % 6 = 0 then null else decode(md5(g::text), 'hex') end, case when g % 7 = 0 then null else g % 2 = 0 end,"
                        + " case g % 8 when 0 then 'NaN'::float8 when 1 then '-0'::float8 when 2 then 'Infinity'::float8 when 3 then '-Infinity'::float8"
                        + " when 4 then 1e308 else g / 3.0 end, md5(g::text)::uuid, point(g / 10.0, -g / 20.0) from generate_series(1, 300) g");
        Map<String, Map<String, String>> held = new HashMap<>(); // id -> column -> canonical value
        try (Connection c = LocalPostgres.connect(db); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("select id, amount, day::text, at, local, tags, raw, ok, ratio::text, u::text, spot[1] as lat, spot[0] as lon from readings")) {
            while (rs.next()) {
                Map<String, String> row = new HashMap<>();
                row.put("id", rs.getString("id"));
                java.math.BigDecimal amount = rs.getBigDecimal("amount");
                row.put("amount", amount == null ? "null" : amount.stripTrailingZeros().toPlainString());
                row.put("day", String.valueOf(rs.getString("day")));
                row.put("at", rs.getObject("at", java.time.OffsetDateTime.class).toInstant().toString());
                java.time.LocalDateTime local = rs.getObject("local", java.time.LocalDateTime.class);
                row.put("local", local == null ? "null" : local.toInstant(java.time.ZoneOffset.UTC).toString());
                java.sql.Array tags = rs.getArray("tags");
                row.put("tags", tags == null ? "null" : java.util.Arrays.toString((Object[]) tags.getArray()));
                byte[] raw = rs.getBytes("raw");
                row.put("raw", raw == null ? "null" : java.util.Base64.getEncoder().encodeToString(raw));
                boolean ok = rs.getBoolean("ok");
                row.put("ok", rs.wasNull() ? "null" : String.valueOf(ok));
                row.put("ratio", Double.toString(Double.parseDouble(rs.getString("ratio"))));
                row.put("u", rs.getString("u"));
                row.put("spot", rs.getDouble("lat") + "," + rs.getDouble("lon"));
                held.put(row.get("id"), row);
            }
        }
        Repository repo = Repository.init(dir.resolve("repo"), PASSPHRASE, RepositoryOptions.forCommands());
        Snapshot snapshot;
        try (Connector c = Endpoints.openSource(LocalPostgres.location(db), 2, Map.of())) {
            snapshot = repo.backup().source(LocalPostgres.location(db)).from(recordsOnly(Endpoints.require(c, Source.class)));
        }
        LocalPostgres.drop(db);
        assertThat(snapshot.entities().get(0).copyText()).as("stored as record streams").isNull();
        Path out = dir.resolve("dump");
        read("dump", snapshot.id(), out.toString());

        Map<String, Map<String, String>> read = new HashMap<>();
        for (String line : Files.readAllLines(out.resolve("readings.jsonl"), StandardCharsets.UTF_8)) {
            Map<String, String> row = new HashMap<>();
            Json.MAPPER.readTree(line).get("fields").fields().forEachRemaining(f -> row.put(f.getKey(), canonical(f.getValue())));
            read.put(row.get("id"), row);
        }
        assertThat(read).hasSize(300).isEqualTo(held);
    }

    /** {@code source}'s records, without its database's text: a source as MySQL's, SQLite's or Firestore's are. */
    private static Source recordsOnly(Source source) {
        return new Source() {
            @Override
            public List<cutover.connector.EntityInfo> entities() { return source.entities(); }

            @Override
            public List<cutover.connector.Split> splits(int parallelism) { return source.splits(parallelism); }

            @Override
            public cutover.connector.RecordReader read(cutover.connector.Split split, cutover.connector.Position from) { return source.read(split, from); }
        };
    }

    /** A tagged value of the reader in the form the test writes the database's in: values compared, not spellings. */
    private static String canonical(JsonNode tagged) {
        var entry = tagged.fields().next();
        JsonNode v = entry.getValue();
        return switch (entry.getKey()) {
            case "null" -> "null";
            case "decimal" -> new java.math.BigDecimal(v.asText()).stripTrailingZeros().toPlainString();
            case "float64" -> Double.toString(v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText()));
            case "timestamp" -> java.time.Instant.parse(v.asText()).toString();
            case "geopoint" -> v.get("latitude").asDouble() + "," + v.get("longitude").asDouble();
            case "array" -> {
                List<String> elements = new ArrayList<>();
                v.forEach(e -> elements.add(canonical(e)));
                yield elements.toString();
            }
            default -> v.asText(); // int64, text, date, bool, bytes (base64)
        };
    }

    /** The reader's tagged value as Firestore's REST JSON writes it (docs/value-encoding.md's kinds). */
    private static JsonNode firestoreValue(JsonNode tagged, String referencePrefix) {
        var entry = tagged.fields().next();
        JsonNode v = entry.getValue();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        switch (entry.getKey()) {
            case "text" -> out.set("stringValue", v);
            case "int64" -> out.set("integerValue", v);
            case "float64" -> out.set("doubleValue", v);
            case "bool" -> out.set("booleanValue", v);
            case "null" -> out.putNull("nullValue");
            case "timestamp" -> out.set("timestampValue", v);
            case "bytes" -> out.set("bytesValue", v);
            case "reference" -> out.put("referenceValue", referencePrefix + v.asText());
            case "geopoint" -> out.set("geoPointValue", v);
            case "array" -> {
                ArrayNode values = JsonNodeFactory.instance.arrayNode();
                v.forEach(e -> values.add(firestoreValue(e, referencePrefix)));
                ObjectNode array = out.putObject("arrayValue");
                if (!values.isEmpty()) array.set("values", values);
            }
            case "map" -> {
                ObjectNode fields = JsonNodeFactory.instance.objectNode();
                v.fields().forEachRemaining(f -> fields.set(f.getKey(), firestoreValue(f.getValue(), referencePrefix)));
                ObjectNode map = out.putObject("mapValue");
                if (!fields.isEmpty()) map.set("fields", fields);
            }
            default -> throw new AssertionError("a kind the test does not map: " + entry.getKey());
        }
        return out;
    }

    /** Numbers as text of their double (-0.0 apart from 0.0); a geopoint's coordinate left out (proto3's default) as 0.0. */
    private static JsonNode normalized(JsonNode node) {
        if (node.isNumber()) return JsonNodeFactory.instance.textNode(Double.toString(node.asDouble()));
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> out.add(normalized(e)));
            return out;
        }
        if (!node.isObject()) return node;
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        node.fields().forEachRemaining(f -> out.set(f.getKey(), normalized(f.getValue())));
        if (out.has("geoPointValue")) {
            ObjectNode point = JsonNodeFactory.instance.objectNode();
            for (String axis : List.of("latitude", "longitude")) {
                JsonNode c = node.get("geoPointValue").get(axis);
                point.put(axis, Double.toString(c == null || c.isNull() ? 0.0 : c.asDouble()));
            }
            out.set("geoPointValue", point);
        }
        return out;
    }

    /** Each table's rows as {@code COPY … TO STDOUT} writes them, in key order. */
    private static Map<String, List<String>> tables(LocalPostgres.Server pg) throws Exception {
        Map<String, List<String>> out = new HashMap<>();
        try (Connection c = pg.connect(SRC)) {
            CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
            for (String[] table : List.of(new String[] {"accounts", "id"}, new String[] {"order lines", "order_id, line"}, new String[] {"notes", "id"})) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                copy.copyOut("copy (select * from \"" + table[0] + "\" order by " + table[1] + ") to stdout", bytes);
                out.put(table[0], bytes.toString(StandardCharsets.UTF_8).lines().toList()); // a line break in a value is written \n
            }
        }
        return out;
    }

    private record Run(int exit, String out, String err) {
        @Override
        public String toString() { return "exit " + exit + "\n--- out\n" + out + "\n--- err\n" + err; }
    }

    /** The reader on this test's repository; it must succeed. */
    private Run read(String... args) throws Exception {
        Run run = run(dir.resolve("repo"), args);
        assertThat(run.exit()).as(run.toString()).isZero();
        return run;
    }

    private Run run(Path repo, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, READER.toString(), repo.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("CUTOVER_PASSWORD", PASSPHRASE);
        Path out = Files.createTempFile(dir, "reader", ".out"), err = Files.createTempFile(dir, "reader", ".err");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the reader did not end in 5 minutes: " + command);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
