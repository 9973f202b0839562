package cutover.analyze;

import cutover.model.Record;
import cutover.model.Value;

import java.util.Map;

/**
 * The length of {@link cutover.model.ValueCodec#encodeRecord}'s output, computed without encoding:
 * the codec allocates and sorts map keys, which made it a third of analyze's time. Checked against
 * the codec by a property test over every kind of value.
 */
final class EncodedSize {
    private EncodedSize() {}

    static long of(Record record) {
        long n = blob(utf8Length(record.entity().value()));
        n += varint(record.key().parts().size());
        for (Value part : record.key().parts()) n += of(part);
        return n + fields(record.fields());
    }

    static long of(Value value) {
        if (value instanceof Value.Text t) return 1 + blob(utf8Length(t.value()));
        if (value instanceof Value.Int64 || value instanceof Value.Float64 || value instanceof Value.Date) return 9;
        if (value instanceof Value.Reference r) return 1 + blob(utf8Length(r.path()));
        if (value instanceof Value.MapValue m) return 1 + fields(m.fields());
        if (value instanceof Value.Array a) {
            long n = 1 + varint(a.values().size());
            for (Value v : a.values()) n += of(v);
            return n;
        }
        if (value instanceof Value.Timestamp) return 1 + 8 + 4;
        if (value instanceof Value.Decimal d) return 1 + 4 + blob(d.value().unscaledValue().bitLength() / 8 + 1);
        if (value instanceof Value.Bytes b) return 1 + blob(b.length());
        if (value instanceof Value.GeoPoint) return 1 + 16;
        return 1; // null, true, false
    }

    private static long fields(Map<String, Value> fields) {
        long n = varint(fields.size());
        for (Map.Entry<String, Value> e : fields.entrySet()) n += blob(utf8Length(e.getKey())) + of(e.getValue());
        return n;
    }

    private static long blob(long length) { return varint(length) + length; }

    /** Bytes of the unsigned LEB128 form. */
    private static int varint(long v) {
        int n = 1;
        while (v >= 0x80) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    /** UTF-8 length, a lone surrogate taking three bytes as in the codec. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }
}
