package cutover.postgres;

import cutover.connector.Location;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code postgresql://user:pass@host:port/db?schema=app&sslmode=require} location taken apart. The
 * JDBC URL it builds holds no credentials: user and password travel as connection properties, so a
 * URL that ends up in a log or a stack trace gives nothing away. Query parameters other than
 * {@code schema} are passed to pgjdbc as they are ({@code sslmode}, {@code connectTimeout}).
 */
record PgLocation(String host, int port, String database, String user, String password, String schemaAsWritten,
                  Map<String, String> driverParameters, String redacted) {

    static PgLocation parse(Location location) {
        String rest = location.rest();
        if (!rest.startsWith("//")) throw invalid(location, "it must start with " + location.scheme() + "://");
        rest = rest.substring(2);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String pathAndQuery = slash < 0 ? "" : rest.substring(slash + 1);

        String user = null, password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        String host;
        int port = 5432;
        if (authority.startsWith("[")) { // IPv6 literal
            int close = authority.indexOf(']');
            if (close < 0) throw invalid(location, "an IPv6 host needs its closing ]");
            host = authority.substring(0, close + 1);
            authority = authority.substring(close + 1);
            if (authority.startsWith(":")) port = port(location, authority.substring(1));
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            if (colon >= 0) port = port(location, authority.substring(colon + 1));
        }
        if (host.isEmpty()) host = "localhost";

        int q = pathAndQuery.indexOf('?');
        String database = decode(q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
        if (database.isEmpty()) throw invalid(location, "it names no database: write " + location.scheme() + "://user@host:5432/dbname");
        Map<String, String> params = new LinkedHashMap<>();
        String schemaAsWritten = null; // a list's names split before they are decoded: "a%2Cb" is one schema
        if (q >= 0) {
            for (String pair : pathAndQuery.substring(q + 1).split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                if (key.equals("schema") && schemaAsWritten != null) {
                    throw invalid(location, "it names schema twice (?schema=…&schema=…): several schemas are one list, ?schema=auth,public");
                }
                if (key.equals("schema")) schemaAsWritten = eq < 0 ? "" : pair.substring(eq + 1);
                else params.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        String schema = schemaAsWritten;
        if (password == null) password = params.remove("password");
        if (user == null) user = params.remove("user");
        return new PgLocation(host, port, database, user, password, schema, Map.copyOf(params), location.redacted());
    }

    /**
     * The schemas {@code schema} names (as the location writes it, {@code encoded}: each name decoded
     * after the list is split), a comma-separated list ({@code auth,public}): several are a
     * {@link cutover.connector.SchemaSet}, backed up at one moment. A name given twice or empty is refused.
     */
    static List<String> schemas(Location location, String schema, boolean encoded) {
        List<String> out = new java.util.ArrayList<>();
        for (String written : schema.split(",", -1)) {
            String name = encoded ? decode(written) : written;
            if (name.isEmpty()) throw invalid(location, "its schema list " + schema + " has an empty name");
            if (out.contains(name)) throw invalid(location, "its schema list " + schema + " names " + name + " twice");
            out.add(name);
        }
        return List.copyOf(out);
    }

    /**
     * {@code location} naming {@code schema} alone: its {@code schema} parameter's value replaced where
     * it stands (so a backup of one schema of a set records the location a backup of that schema
     * alone would be given, and each builds on the other's snapshots), or added where it had none.
     */
    static Location naming(Location location, String schema) {
        String raw = location.raw();
        String value = java.net.URLEncoder.encode(schema, StandardCharsets.UTF_8).replace("+", "%20");
        // the query after the path, as parse finds it: a password may hold a '?'
        int path = raw.indexOf('/', raw.indexOf("//") + 2);
        int q = path < 0 ? -1 : raw.indexOf('?', path);
        if (q < 0) return Location.parse(raw + "?schema=" + value);
        List<String> pairs = new java.util.ArrayList<>();
        boolean replaced = false;
        for (String pair : raw.substring(q + 1).split("&", -1)) {
            int eq = pair.indexOf('=');
            if (decode(eq < 0 ? pair : pair.substring(0, eq)).equals("schema")) {
                if (!replaced) pairs.add("schema=" + value);
                replaced = true;
            } else {
                pairs.add(pair);
            }
        }
        if (!replaced) pairs.add("schema=" + value);
        return Location.parse(raw.substring(0, q + 1) + String.join("&", pairs));
    }

    /** Whether the host is this machine's loopback (by name or address, not looked up): the server then shares this machine's cores. */
    boolean onThisMachine() {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.matches("127(\\.[0-9]{1,3}){3}") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    /** The JDBC URL, without user or password. */
    String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port).append('/')
                .append(java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20"));
        char sep = '?';
        for (var e : driverParameters.entrySet()) {
            url.append(sep).append(java.net.URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return url.toString();
    }

    @Override
    public String toString() { return redacted; }

    private static int port(Location location, String text) {
        try {
            int p = Integer.parseInt(text);
            if (p < 1 || p > 65535) throw new NumberFormatException();
            return p;
        } catch (NumberFormatException e) {
            throw invalid(location, "port '" + text + "' is not a number from 1 to 65535");
        }
    }

    private static String decode(String s) { return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8); }

    private static CutoverException invalid(Location location, String why) {
        return new CutoverException(ErrorCode.LOCATION_INVALID, "'" + location.redacted() + "' is not a PostgreSQL location: " + why);
    }
}
