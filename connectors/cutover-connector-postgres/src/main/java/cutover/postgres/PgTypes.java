package cutover.postgres;

import cutover.model.ColumnType;

import java.util.Set;

/** How each portable {@link ColumnType} is stored in PostgreSQL, and which existing column types can take it. */
final class PgTypes {
    private PgTypes() {}

    /**
     * The column's {@code pg_type.typname}. The driver's {@code getColumnTypeName} says {@code serial}
     * (and {@code bigserial}, {@code smallserial}) for an integer column whose default draws from a
     * sequence or that is an identity: a name of the column's declaration, not of its values' type.
     */
    static String typname(java.sql.ResultSetMetaData meta, int column) throws java.sql.SQLException {
        return named(meta.getColumnTypeName(column));
    }

    /** The type's name as {@link #typname} gives it, of the name the driver gives it. */
    static String named(String name) {
        return switch (name) {
            case "serial" -> "int4";
            case "bigserial" -> "int8";
            case "smallserial" -> "int2";
            default -> name;
        };
    }

    /** The type Cutover creates for a column. */
    static String sqlType(ColumnType type) {
        return switch (type) {
            case TEXT -> "text";
            case BIGINT -> "bigint";
            case DOUBLE -> "double precision";
            case NUMERIC -> "numeric";
            case BOOLEAN -> "boolean";
            case TIMESTAMPTZ -> "timestamptz";
            case DATE -> "date";
            case BYTES -> "bytea";
            case JSON -> "jsonb";
            case GEOPOINT -> "point";
        };
    }

    /**
     * The existing column types (pg_type.typname) that store every value of the plan's type without
     * loss (with their modifiers, varchar(n) and numeric(p,s) check each value: {@link ColumnLimit}).
     * Narrower integers take the plan's bigint too, each value checked ({@link ColumnLimit#of});
     * other narrower types (timestamp without zone for timestamptz, real for double) are refused:
     * they would change values.
     */
    static Set<String> compatible(ColumnType type) {
        return switch (type) {
            case TEXT -> Set.of("text", "varchar", "citext");
            case BIGINT -> Set.of("int8", "numeric");
            case DOUBLE -> Set.of("float8");
            case NUMERIC -> Set.of("numeric");
            case BOOLEAN -> Set.of("bool");
            case TIMESTAMPTZ -> Set.of("timestamptz", "timestamp"); // the instant's UTC time: as a timestamp column is read
            case DATE -> Set.of("date");
            case BYTES -> Set.of("bytea");
            case JSON -> Set.of("jsonb", "json");
            case GEOPOINT -> Set.of("point");
        };
    }
}
