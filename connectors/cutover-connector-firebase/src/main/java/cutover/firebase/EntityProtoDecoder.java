package cutover.firebase;

import cutover.model.Value;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one record of a managed export: an App Engine {@code EntityProto} (proto2, with groups).
 * Field numbers, as written by Firestore's exporter:
 * <pre>
 * EntityProto:    key 13 (Reference), property 14 / raw_property 15 (Property), entity_group 16 (skipped)
 * Reference:      app 13, path 14 (Path)
 * Path:           group Element 1 { type 2 (collection id), id 3, name 4 (document id) }
 * Property:       meaning 1, name 3, multiple 4 (an array: one Property per element, in order), value 5
 * PropertyValue:  int64 1, bool 2, string 3, double 4 (fixed64), group Point 5 { x 6, y 7 },
 *                 group ReferenceValue 12 { app 13, group PathElement 14 { type 15, id 16, name 17 } }
 * meanings:       7 timestamp (int64 µs), 14/16 bytes (in string 3), 19 map (string 3 holds an
 *                 EntityProto without key), 24 empty array; an empty PropertyValue is null
 * </pre>
 */
final class EntityProtoDecoder {
    private static final int MEANING_TIMESTAMP = 7, MEANING_BLOB = 14, MEANING_BYTESTRING = 16, MEANING_MAP = 19, MEANING_EMPTY_ARRAY = 24;

    private EntityProtoDecoder() {}

    /** The document path from the key, or null if the entity has no key. */
    static String documentPath(byte[] entity) {
        ProtoReader r = new ProtoReader(entity);
        while (!r.atEnd()) {
            int tag = r.tag();
            if (tag == (13 << 3 | ProtoReader.BYTES)) return referencePath(r.message());
            r.skip(tag);
        }
        return null;
    }

    private static String referencePath(ProtoReader reference) {
        StringBuilder path = new StringBuilder();
        while (!reference.atEnd()) {
            int tag = reference.tag();
            if (tag != (14 << 3 | ProtoReader.BYTES)) {
                reference.skip(tag);
                continue;
            }
            ProtoReader p = reference.message();
            while (!p.atEnd()) {
                int t = p.tag();
                if (t == (1 << 3 | ProtoReader.START_GROUP)) appendElement(path, p.group(1), 2, 3, 4);
                else p.skip(t);
            }
        }
        return path.toString();
    }

    /** Appends {@code type/name} (or {@code type/id}) of one path element. */
    private static void appendElement(StringBuilder path, ProtoReader element, int typeField, int idField, int nameField) {
        String type = null;
        String name = null;
        while (!element.atEnd()) {
            int t = element.tag();
            int field = t >>> 3;
            if (field == typeField) type = element.string();
            else if (field == idField) name = Long.toString(element.varint());
            else if (field == nameField) name = element.string();
            else element.skip(t);
        }
        if (type == null || name == null) throw new ProtoReader.Malformed("a path element lacks its collection or id");
        if (path.length() > 0) path.append('/');
        path.append(type).append('/').append(name);
    }

    /** The fields of an entity (a document or a map value), in the order of the record. */
    static Map<String, Value> fields(ProtoReader entity) {
        Map<String, Object> out = new LinkedHashMap<>(); // a Value, or a List<Value> for arrays
        while (!entity.atEnd()) {
            int tag = entity.tag();
            int field = tag >>> 3;
            if ((field == 14 || field == 15) && (tag & 7) == ProtoReader.BYTES) property(entity.message(), out);
            else entity.skip(tag);
        }
        Map<String, Value> fields = new LinkedHashMap<>();
        out.forEach((name, v) -> fields.put(name, v instanceof Value value ? value : new Value.Array(castList(v))));
        return fields;
    }

    @SuppressWarnings("unchecked")
    private static List<Value> castList(Object v) { return (List<Value>) v; }

    private static void property(ProtoReader p, Map<String, Object> out) {
        int meaning = 0;
        String name = null;
        boolean multiple = false;
        ProtoReader value = null;
        while (!p.atEnd()) {
            int tag = p.tag();
            switch (tag >>> 3) {
                case 1 -> meaning = (int) p.varint();
                case 3 -> name = p.string();
                case 4 -> multiple = p.varint() != 0;
                case 5 -> value = p.message();
                default -> p.skip(tag);
            }
        }
        if (name == null) throw new ProtoReader.Malformed("a property has no name");
        if (meaning == MEANING_EMPTY_ARRAY) {
            out.put(name, new ArrayList<Value>());
            return;
        }
        Value v = value(value == null ? new ProtoReader(new byte[0]) : value, meaning);
        if (multiple) {
            Object existing = out.get(name);
            List<Value> list;
            if (existing instanceof List<?>) {
                list = castList(existing);
            } else {
                list = new ArrayList<>();
                out.put(name, list);
            }
            list.add(v);
        } else {
            out.put(name, v);
        }
    }

    private static Value value(ProtoReader r, int meaning) {
        Long int64 = null;
        Boolean bool = null;
        ProtoReader string = null;
        Long doubleBits = null;
        ProtoReader point = null;
        ProtoReader reference = null;
        while (!r.atEnd()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> int64 = r.varint();
                case 2 -> bool = r.varint() != 0;
                case 3 -> string = r.message();
                case 4 -> doubleBits = r.fixed64();
                case 5 -> point = r.group(5);
                case 12 -> reference = r.group(12);
                default -> r.skip(tag);
            }
        }
        if (meaning == MEANING_MAP) {
            return new Value.MapValue(string == null ? Map.of() : fields(string));
        }
        if (meaning == MEANING_TIMESTAMP) {
            if (int64 == null) throw new ProtoReader.Malformed("a timestamp has no microseconds");
            long micros = int64;
            return Value.of(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L));
        }
        if (meaning == MEANING_BLOB || meaning == MEANING_BYTESTRING) {
            return Value.of(string == null ? new byte[0] : string.bytes0());
        }
        if (point != null) {
            double lat = 0, lng = 0; // proto leaves zero coordinates out
            while (!point.atEnd()) {
                int tag = point.tag();
                if (tag == (6 << 3 | ProtoReader.FIXED64)) lat = Double.longBitsToDouble(point.fixed64());
                else if (tag == (7 << 3 | ProtoReader.FIXED64)) lng = Double.longBitsToDouble(point.fixed64());
                else point.skip(tag);
            }
            return new Value.GeoPoint(lat, lng);
        }
        if (reference != null) {
            StringBuilder path = new StringBuilder();
            while (!reference.atEnd()) {
                int tag = reference.tag();
                if (tag == (14 << 3 | ProtoReader.START_GROUP)) appendElement(path, reference.group(14), 15, 16, 17);
                else reference.skip(tag);
            }
            return new Value.Reference(path.toString());
        }
        if (int64 != null) return Value.of((long) int64);
        if (bool != null) return Value.of((boolean) bool);
        if (string != null) return Value.of(string.utf8());
        if (doubleBits != null) return Value.of(Double.longBitsToDouble(doubleBits));
        return Value.NULL;
    }
}
