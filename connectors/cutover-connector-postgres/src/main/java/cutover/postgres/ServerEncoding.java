package cutover.postgres;

import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The target database's encoding, where it is not UTF-8: the server converts the text it is sent
 * (always UTF-8) into it and refuses a whole COPY over one character it cannot hold. Checked per
 * record beforehand, such a record is set aside with its reason and the others are written.
 */
final class ServerEncoding {
    /** PostgreSQL's names of the single-byte and common encodings, to Java's. */
    private static final Map<String, String> JAVA_NAMES = Map.ofEntries(
            Map.entry("LATIN1", "ISO-8859-1"), Map.entry("LATIN2", "ISO-8859-2"), Map.entry("LATIN3", "ISO-8859-3"),
            Map.entry("LATIN4", "ISO-8859-4"), Map.entry("LATIN5", "ISO-8859-9"), Map.entry("LATIN7", "ISO-8859-13"),
            Map.entry("LATIN9", "ISO-8859-15"), Map.entry("ISO_8859_5", "ISO-8859-5"), Map.entry("ISO_8859_6", "ISO-8859-6"),
            Map.entry("ISO_8859_7", "ISO-8859-7"), Map.entry("ISO_8859_8", "ISO-8859-8"), Map.entry("WIN1250", "windows-1250"),
            Map.entry("WIN1251", "windows-1251"), Map.entry("WIN1252", "windows-1252"), Map.entry("WIN1253", "windows-1253"),
            Map.entry("WIN1254", "windows-1254"), Map.entry("WIN1255", "windows-1255"), Map.entry("WIN1256", "windows-1256"),
            Map.entry("WIN1257", "windows-1257"), Map.entry("WIN1258", "windows-1258"), Map.entry("KOI8R", "KOI8-R"),
            Map.entry("KOI8U", "KOI8-U"), Map.entry("EUC_JP", "EUC-JP"), Map.entry("EUC_KR", "EUC-KR"), Map.entry("EUC_CN", "GB2312"),
            Map.entry("SJIS", "Shift_JIS"), Map.entry("BIG5", "Big5"), Map.entry("GBK", "GBK"), Map.entry("GB18030", "GB18030"));

    private final String name;
    /** An encoder is for one thread, and checks run on several. */
    private final ThreadLocal<CharsetEncoder> encoders;

    private ServerEncoding(String name, Charset charset) {
        this.name = name;
        this.encoders = ThreadLocal.withInitial(charset::newEncoder);
    }

    /** The database's encoding when text must be checked against it; null for UTF-8, SQL_ASCII (any bytes) or one Java lacks. */
    static ServerEncoding of(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_encoding")) {
            rs.next();
            String name = rs.getString(1);
            String java = JAVA_NAMES.get(name);
            if (java == null || !Charset.isSupported(java)) return null;
            return new ServerEncoding(name, Charset.forName(java));
        }
    }

    /** What in the text the encoding cannot hold, or null ({@link ValueCheck} walks values, map keys and arrays to their text). */
    String problem(String s) {
        CharsetEncoder encoder = encoders.get();
        if (encoder.canEncode(s)) return null;
        for (int i = 0; i < s.length(); i = s.offsetByCodePoints(i, 1)) {
            int cp = s.codePointAt(i);
            if (!encoder.canEncode(new String(Character.toChars(cp)))) {
                return String.format(java.util.Locale.ROOT, "text holds U+%04X at index %d, which the target database's encoding %s cannot hold", cp, i, name);
            }
        }
        return "text holds a character the target database's encoding " + name + " cannot hold";
    }
}
