package cutover.cli;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A schedule's interval as written on the command line: {@code 6h}, {@code 30m}, {@code 1d}, {@code 1h30m}, {@code 45s}. */
record Interval(String text, Duration duration) {
    private static final Pattern PART = Pattern.compile("(\\d+)([dhms])");

    static Interval parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        Matcher m = PART.matcher(t);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (t.isEmpty() || end != t.length() || d.isZero()) {
            throw new CutoverException(ErrorCode.USAGE, "'" + text + "' is not an interval: write e.g. 6h, 30m, 1d or 1h30m");
        }
        return new Interval(t, d);
    }

    /** systemd's time span syntax takes the same units: {@code 6h}, {@code 1h30m}. */
    String systemd() { return text; }

    /** A crontab schedule for this interval, or null when cron cannot run at exactly this pace. */
    String cron() {
        long s = duration.toSeconds();
        if (s % 60 != 0) return null;
        long min = s / 60;
        if (min < 60 && 60 % min == 0) return "*/" + min + " * * * *";
        if (min % 60 != 0) return null;
        long h = min / 60;
        if (h < 24 && 24 % h == 0) return "0 */" + h + " * * *";
        if (h == 24) return "0 0 * * *";
        if (h == 24 * 7) return "0 0 * * 0";
        return null;
    }
}
