package cutover.cli;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The schema a restore writes into. A snapshot of one PostgreSQL schema ({@code ?schema=sales}) goes
 * back into that schema, as it was, when the PostgreSQL target names none; a target that names one
 * ({@code ?schema=public} too) is taken at its word.
 */
final class SchemaOfSnapshot {
    private SchemaOfSnapshot() {}

    /** The target to restore into: {@code target}, with the snapshot's schema added where it names none and the snapshot's is not public. */
    static String target(String snapshotSource, String target) {
        if (!postgres(snapshotSource) || !postgres(target) || parameter(target, "schema").isPresent()) return target;
        Optional<String> schema = parameter(snapshotSource, "schema").filter(s -> !s.isEmpty() && !s.equals("public"));
        if (schema.isEmpty()) return target;
        // form encoding writes a space as +, which a location's query reads as itself: a schema "a b" was restored into "a+b"
        return target + (target.contains("?") ? "&" : "?") + "schema=" + URLEncoder.encode(schema.get(), StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The schema a PostgreSQL location names ({@code ?schema=}), if any. */
    static Optional<String> schemaOf(String location) {
        return postgres(location) ? parameter(location, "schema") : Optional.empty();
    }

    static boolean postgres(String location) {
        return location.startsWith("postgresql:") || location.startsWith("postgres:");
    }

    private static Optional<String> parameter(String location, String name) {
        int q = location.indexOf('?');
        if (q < 0) return Optional.empty();
        for (String pair : location.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return Optional.empty();
    }
}
