package cutover.postgres;

/**
 * A table's schema and name. A plan's {@code public.users} splits at the first dot; a bare
 * {@code users} lives in the connector's default schema. Quoted in SQL always, so names keep their
 * case and may be reserved words.
 */
record TableName(String schema, String name) {

    static TableName resolve(String planName, String defaultSchema) {
        int dot = planName.indexOf('.');
        return dot < 0 ? new TableName(defaultSchema, planName) : new TableName(planName.substring(0, dot), planName.substring(dot + 1));
    }

    String sql() { return quote(schema) + "." + quote(name); }

    static String quote(String identifier) { return '"' + identifier.replace("\"", "\"\"") + '"'; }

    /** An identifier as a sentence shows it: quoted where it is not a plain lower-case name ({@code "Theme Name"}), as quote_ident does. */
    static String shown(String identifier) {
        return identifier.matches("[a-z_][a-z0-9_$]*") ? identifier : quote(identifier);
    }

    @Override
    public String toString() { return schema + "." + name; }
}
