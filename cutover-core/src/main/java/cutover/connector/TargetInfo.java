package cutover.connector;

import java.util.Map;
import java.util.Set;

/**
 * What a sink found in the target: its existing tables (name to column names) and its flavour.
 * {@code supabase} is true when the database has Supabase's {@code auth} schema and the {@code anon}
 * and {@code authenticated} roles: there, tables in {@code public} are served over HTTP to anyone
 * with the anon key, so Cutover enables row level security on every table it creates.
 * {@code schemaExists} is false where the target's schema is not there yet (a run makes it: a
 * misspelt {@code ?schema=} would otherwise go unseen).
 */
public record TargetInfo(String product, String version, String defaultSchema, Map<String, Set<String>> tables, boolean supabase, boolean schemaExists) {
    public TargetInfo {
        tables = Map.copyOf(tables);
    }

    public TargetInfo(String product, String version, String defaultSchema, Map<String, Set<String>> tables, boolean supabase) {
        this(product, version, defaultSchema, tables, supabase, true);
    }
}
