package cutover.connector;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where an endpoint is, as the user wrote it: {@code firestore-export:./dump.json},
 * {@code postgresql://user:secret@host:5432/app}, {@code sqlite:app.db}. The scheme picks the
 * connector. {@link #toString()} and {@link #redacted()} never show a password.
 */
public final class Location {
    private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$", Pattern.DOTALL);
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(//[^/@:]*):[^/@]*@");
    private static final Pattern QUERY_SECRET = Pattern.compile("(?i)([?&](password|secret|token|key|apikey|api_key)=)[^&]*");

    private final String scheme;
    private final String rest;
    private final String raw;

    private Location(String scheme, String rest, String raw) {
        this.scheme = scheme;
        this.rest = rest;
        this.raw = raw;
    }

    public static Location parse(String text) {
        Objects.requireNonNull(text, "location");
        var m = SCHEME.matcher(text.trim());
        // A one-letter "scheme" is a Windows drive, not a scheme.
        if (!m.matches() || m.group(1).length() < 2) {
            throw new CutoverException(ErrorCode.LOCATION_INVALID,
                    "'" + redact(text) + "' is not a location: write scheme:address, e.g. firestore-export:./export.json, "
                            + "postgresql://user@host:5432/db, sqlite:./app.db");
        }
        return new Location(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2), text.trim());
    }

    /** The scheme in lower case: {@code postgresql}. */
    public String scheme() { return scheme; }

    /** Everything after {@code scheme:}: {@code //user@host/db} or {@code ./dump.json}. */
    public String rest() { return rest; }

    /** The location exactly as written, secrets included: only for connecting, never for printing. */
    public String raw() { return raw; }

    /** The location with any password or secret query parameter replaced by {@code ***}. */
    public String redacted() { return redact(raw); }

    /**
     * The location with any password or secret query parameter left out, for files that are kept and
     * shared (a plan): the secret then comes from the environment when the location is opened.
     */
    /** {@code scheme:} and the absolute, normalized path of {@code path}: a file location as a backup records it. */
    public static String ofFile(String scheme, java.nio.file.Path path) {
        return scheme + ":" + path.toAbsolutePath().normalize();
    }

    public static String withoutSecrets(String text) {
        String out = USERINFO_PASSWORD.matcher(text).replaceAll("$1@");
        int q = out.indexOf('?');
        if (q < 0) return out;
        StringBuilder kept = new StringBuilder();
        for (String param : out.substring(q + 1).split("&")) {
            if (QUERY_SECRET.matcher("?" + param).lookingAt()) continue;
            kept.append(kept.length() == 0 ? "?" : "&").append(param);
        }
        return out.substring(0, q) + kept;
    }

    /** True when the location holds a password or a secret query parameter. */
    public static boolean hasSecrets(String text) {
        return !withoutSecrets(text).equals(text);
    }

    public static String redact(String text) {
        String out = USERINFO_PASSWORD.matcher(text).replaceAll("$1:***@");
        return QUERY_SECRET.matcher(out).replaceAll("$1***");
    }

    @Override public boolean equals(Object o) { return o instanceof Location l && raw.equals(l.raw); }
    @Override public int hashCode() { return raw.hashCode(); }
    @Override public String toString() { return redacted(); }
}
