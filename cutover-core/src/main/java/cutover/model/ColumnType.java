package cutover.model;

/**
 * The portable column types a plan can ask a sink for. Each sink maps them to its own types
 * (PostgreSQL: {@code text}, {@code bigint}, {@code double precision}, {@code numeric},
 * {@code boolean}, {@code timestamptz}, {@code date}, {@code bytea}, {@code jsonb}, {@code point}).
 *
 * <p>The value a mapped row carries for a column is of the kind given by {@link #valueKind()}, or
 * {@link Value#NULL}; a {@code JSON} column takes any value and the sink renders it with
 * {@link JsonValues}.
 */
public enum ColumnType {
    TEXT(Value.Kind.TEXT),
    BIGINT(Value.Kind.INT64),
    DOUBLE(Value.Kind.FLOAT64),
    NUMERIC(Value.Kind.DECIMAL),
    BOOLEAN(Value.Kind.BOOL),
    TIMESTAMPTZ(Value.Kind.TIMESTAMP),
    DATE(Value.Kind.DATE),
    BYTES(Value.Kind.BYTES),
    JSON(null),
    GEOPOINT(Value.Kind.GEOPOINT);

    private final Value.Kind valueKind;

    ColumnType(Value.Kind valueKind) { this.valueKind = valueKind; }

    /** The kind of value a row carries for this column; null for JSON, which takes any kind. */
    public Value.Kind valueKind() { return valueKind; }

    /**
     * True if a value of this kind may be written to a column of this type without conversion. A
     * numeric column also takes NaN and the infinities, which a database's numeric holds
     * (PostgreSQL's: infinities since version 14) and a record carries as floats, no decimal being one.
     */
    public boolean accepts(Value value) {
        return value.kind() == Value.Kind.NULL || valueKind == null || value.kind() == valueKind
                || this == NUMERIC && value instanceof Value.Float64 f && !Double.isFinite(f.value());
    }
}
