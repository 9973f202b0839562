package cutover.plan;

import cutover.connector.Parallelism;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.migrate.DeadLetterLimit;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A migration plan: where from, where to, how to run, and one mapping per source entity. It is
 * written as YAML ({@link PlanFile}), reviewed and edited by hand, checked ({@link PlanChecker}),
 * then run through a {@link PlanMapper}. Names of types, transforms and rules stay strings here so a
 * hand-edited plan with a typo still loads and the checker can point at the line.
 *
 * @param supabase         the target is a Supabase database (its {@code public} schema is served over HTTP)
 * @param rowLevelSecurity the default for tables whose entity does not say
 */
public record Plan(int version, String source, String target, Options options, boolean supabase,
                   boolean rowLevelSecurity, List<EntityMapping> entities, VerifyRules verify) {
    public static final int VERSION = 1;

    public Plan {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        options = options == null ? Options.DEFAULTS : options;
        entities = List.copyOf(entities);
        verify = verify == null ? VerifyRules.DEFAULTS : verify;
    }

    public Plan(int version, String source, String target, Options options, boolean supabase,
                boolean rowLevelSecurity, List<EntityMapping> entities) {
        this(version, source, target, options, supabase, rowLevelSecurity, entities, VerifyRules.DEFAULTS);
    }

    public Plan withEntities(List<EntityMapping> newEntities) {
        return new Plan(version, source, target, options, supabase, rowLevelSecurity, newEntities, verify);
    }

    public Optional<EntityMapping> entity(String sourceEntity) {
        return entities.stream().filter(e -> e.source().equals(sourceEntity)).findFirst();
    }

    /** The row level security a table of this entity gets: its own setting, else the plan's default. */
    public boolean rowLevelSecurity(EntityMapping entity) {
        return entity.rowLevelSecurity() != null ? entity.rowLevelSecurity() : rowLevelSecurity;
    }

    /**
     * How the run goes. {@code parallelism} 0 means one worker per processor (at least two).
     * {@code deadLetterLimit} is a percentage ({@code "1%"}), a count ({@code "100"}) or {@code "none"}.
     */
    public record Options(int batchSize, int parallelism, String deadLetterLimit, boolean createTables) {
        public static final Options DEFAULTS = new Options(2500, 0, "1%", true);
        /** A percentage limit is judged only after this many records, so a few early rejects do not stop a run. */
        public static final long PERCENT_AFTER_RECORDS = 1000;

        public Options {
            Objects.requireNonNull(deadLetterLimit, "deadLetterLimit");
        }

        public int effectiveParallelism() {
            return parallelism > 0 ? parallelism : Parallelism.DEFAULT;
        }

        /** The limit as the pipeline takes it; SETTING_INVALID when the text is neither a percentage, a count nor "none". */
        public DeadLetterLimit deadLetterLimitValue() {
            String s = deadLetterLimit.strip();
            try {
                if (s.equalsIgnoreCase("none")) return DeadLetterLimit.NONE;
                if (s.endsWith("%")) {
                    double percent = Double.parseDouble(s.substring(0, s.length() - 1).strip());
                    if (percent >= 0 && percent <= 100) return new DeadLetterLimit(-1, percent, PERCENT_AFTER_RECORDS);
                } else {
                    long count = Long.parseLong(s);
                    if (count >= 0) return new DeadLetterLimit(count, -1, 0);
                }
            } catch (NumberFormatException e) {
                // reported below with what the setting takes
            }
            throw new CutoverException(ErrorCode.SETTING_INVALID, "deadLetterLimit must be a percentage between 0% and 100%"
                    + " (\"1%\"), a count of records (\"100\") or \"none\", found \"" + deadLetterLimit + "\"");
        }
    }

    /**
     * How verify compares values the target cannot hold exactly as the source had them, said in the
     * plan so that nobody has to guess. {@code timestampPrecision}: timestamps are truncated to it on
     * both sides before comparing ({@code micros} for PostgreSQL, which keeps microseconds;
     * {@code nanos}, {@code millis}, {@code seconds}). {@code floatDigits}: doubles are rounded to this
     * many significant digits before comparing; 0 compares them exactly, so a one-ulp change counts.
     */
    public record VerifyRules(String timestampPrecision, int floatDigits) {
        public static final List<String> PRECISIONS = List.of("nanos", "micros", "millis", "seconds");
        public static final VerifyRules DEFAULTS = new VerifyRules("micros", 0);

        public VerifyRules {
            Objects.requireNonNull(timestampPrecision, "timestampPrecision");
            if (!PRECISIONS.contains(timestampPrecision)) {
                throw new CutoverException(ErrorCode.SETTING_INVALID, "verify.timestampPrecision must be one of "
                        + String.join(", ", PRECISIONS) + ", found \"" + timestampPrecision + "\"");
            }
            if (floatDigits < 0 || floatDigits > 17) {
                throw new CutoverException(ErrorCode.SETTING_INVALID, "verify.floatDigits must be 0 (exact) to 17, found " + floatDigits);
            }
        }

        public ChronoUnit timestampUnit() {
            return switch (timestampPrecision) {
                case "nanos" -> ChronoUnit.NANOS;
                case "millis" -> ChronoUnit.MILLIS;
                case "seconds" -> ChronoUnit.SECONDS;
                default -> ChronoUnit.MICROS;
            };
        }
    }
}
