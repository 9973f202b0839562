package cutover.sqlite;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A reader's resume token: the stored values of the last row's order columns as a JSON array, each
 * kept in its SQLite storage class so the next query compares like with like: an integer as a JSON
 * integer, text as a string, null as null, a real as {@code {"real":"1.5"}} and a blob as
 * {@code {"blob":"<base64>"}}. Example: {@code [42,"alice",{"real":"2.5"}]}.
 */
final class KeyToken {
    private static final JsonFactory JSON = new JsonFactory();

    private KeyToken() {}

    static String encode(List<Object> stored) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (Object o : stored) {
                if (o == null) g.writeNull();
                else if (o instanceof Double d) { g.writeStartObject(); g.writeStringField("real", Double.toString(d)); g.writeEndObject(); }
                else if (o instanceof Number n) g.writeNumber(n.longValue());
                else if (o instanceof String s) g.writeString(s);
                else if (o instanceof byte[] b) { g.writeStartObject(); g.writeStringField("blob", Base64.getEncoder().encodeToString(b)); g.writeEndObject(); }
                else throw new IllegalArgumentException("cannot encode " + o.getClass());
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static List<Object> decode(String token, int parts, String splitId) {
        List<Object> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(token)) {
            if (p.nextToken() != JsonToken.START_ARRAY) throw new IOException("not a JSON array");
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                switch (t) {
                    case VALUE_NULL -> out.add(null);
                    case VALUE_NUMBER_INT -> out.add(p.getLongValue());
                    case VALUE_STRING -> out.add(p.getText());
                    case START_OBJECT -> {
                        p.nextToken();
                        String kind = p.currentName();
                        p.nextToken();
                        String text = p.getText();
                        if (p.nextToken() != JsonToken.END_OBJECT) throw new IOException("unexpected object");
                        if ("real".equals(kind)) out.add(Double.parseDouble(text));
                        else if ("blob".equals(kind)) out.add(Base64.getDecoder().decode(text));
                        else throw new IOException("unknown part " + kind);
                    }
                    default -> throw new IOException("unexpected " + t);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new CutoverException(ErrorCode.SOURCE_CHANGED, "the resume position of split " + splitId + " ('" + token
                    + "') is not a SQLite key token: " + e.getMessage() + ". Start the run over with --restart", e);
        }
        if (out.size() != parts) {
            throw new CutoverException(ErrorCode.SOURCE_CHANGED, "the resume position of split " + splitId + " has " + out.size()
                    + " key parts where the table's key has " + parts + ": its primary key changed since the run was interrupted."
                    + " Start the run over with --restart");
        }
        return out;
    }
}
