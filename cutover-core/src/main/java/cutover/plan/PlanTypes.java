package cutover.plan;

import cutover.model.ColumnType;

import java.util.Optional;

/** The type names a plan uses and the portable column types they stand for. */
public final class PlanTypes {
    private PlanTypes() {}

    public static Optional<ColumnType> columnType(String name) {
        if (name == null) return Optional.empty();
        return Optional.ofNullable(switch (name) {
            case "text" -> ColumnType.TEXT;
            case "bigint" -> ColumnType.BIGINT;
            case "double" -> ColumnType.DOUBLE;
            case "numeric" -> ColumnType.NUMERIC;
            case "boolean" -> ColumnType.BOOLEAN;
            case "timestamptz" -> ColumnType.TIMESTAMPTZ;
            case "date" -> ColumnType.DATE;
            case "bytes" -> ColumnType.BYTES;
            case "jsonb" -> ColumnType.JSON;
            case "geopoint" -> ColumnType.GEOPOINT;
            default -> null;
        });
    }

    public static String name(ColumnType type) {
        return switch (type) {
            case TEXT -> "text";
            case BIGINT -> "bigint";
            case DOUBLE -> "double";
            case NUMERIC -> "numeric";
            case BOOLEAN -> "boolean";
            case TIMESTAMPTZ -> "timestamptz";
            case DATE -> "date";
            case BYTES -> "bytes";
            case JSON -> "jsonb";
            case GEOPOINT -> "geopoint";
        };
    }

    public static String names() { return "text, bigint, double, numeric, boolean, timestamptz, date, bytes, jsonb, geopoint"; }
}
