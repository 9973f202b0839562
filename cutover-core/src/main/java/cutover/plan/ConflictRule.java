package cutover.plan;

import java.util.Optional;

/**
 * What to do with a value whose kind does not fit its column. Lossless conversions happen under
 * every rule (an int into a double column when exact, a number into numeric, a reference into its
 * text column, anything into jsonb); the rules differ on the rest:
 * <ul>
 *   <li>{@code dead-letter}: the record goes to the dead-letter file.</li>
 *   <li>{@code widen}: a text column takes any value as its text (numbers, ISO dates, JSON for maps
 *       and arrays); other columns as dead-letter. The generator chooses it when it widened a column.</li>
 *   <li>{@code coerce}: as widen, and text is parsed into the column's type ({@code "42"} into bigint,
 *       {@code "2024-01-31"} into date), a whole double into bigint, a date into timestamptz and back;
 *       what does not parse goes to the dead-letter file.</li>
 * </ul>
 */
public enum ConflictRule {
    COERCE("coerce"), WIDEN("widen"), DEAD_LETTER("dead-letter");

    private final String yamlName;

    ConflictRule(String yamlName) { this.yamlName = yamlName; }

    public String yamlName() { return yamlName; }

    public static Optional<ConflictRule> named(String name) {
        for (ConflictRule r : values()) if (r.yamlName.equals(name)) return Optional.of(r);
        return Optional.empty();
    }

    public static String names() { return "coerce, widen, dead-letter"; }
}
