package cutover.postgres;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * PostgreSQL's infinite timestamps and dates as its JDBC driver reads them, and so as this connector
 * and its COPY text decoder give them: the largest or smallest value of the java.time type read
 * ({@code OffsetDateTime.MAX} for timestamptz, {@code LocalDateTime.MAX} for timestamp, taken as
 * UTC, {@code LocalDate.MAX} for date). Written back, each is PostgreSQL's infinity again, not a
 * time beyond its range: a row read from PostgreSQL goes back as it was.
 */
final class PgInfinity {
    private static final Instant PLUS_TIMESTAMPTZ = OffsetDateTime.MAX.toInstant();
    private static final Instant MINUS_TIMESTAMPTZ = OffsetDateTime.MIN.toInstant();
    private static final Instant PLUS_TIMESTAMP = LocalDateTime.MAX.toInstant(ZoneOffset.UTC);
    private static final Instant MINUS_TIMESTAMP = LocalDateTime.MIN.toInstant(ZoneOffset.UTC);

    private PgInfinity() {}

    /** {@code infinity}, {@code -infinity}, or null for a time that is not one of the driver's infinities. */
    static String of(Instant t) {
        if (t.equals(PLUS_TIMESTAMPTZ) || t.equals(PLUS_TIMESTAMP)) return "infinity";
        if (t.equals(MINUS_TIMESTAMPTZ) || t.equals(MINUS_TIMESTAMP)) return "-infinity";
        return null;
    }

    static String of(LocalDate d) {
        if (d.equals(LocalDate.MAX)) return "infinity";
        if (d.equals(LocalDate.MIN)) return "-infinity";
        return null;
    }
}
