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

    @Override
    public String toString() { return schema + "." + name; }
}
