package cutover.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The fields of a record or a map value: immutable, in insertion order, held in two arrays. A
 * migration makes one of these for every record it reads and every row it writes, so it costs no
 * entry objects, and a {@link Record} or {@link Value.MapValue} takes one without copying it.
 */
public final class Fields extends AbstractMap<String, Value> {
    private static final int LINEAR_LOOKUP_MAX = 16;
    public static final Fields EMPTY = new Fields(new String[0], new Value[0], 0, null);

    private final String[] names;
    private final Value[] values;
    private final int size;
    private final Map<String, Integer> index; // only for wide records, where a scan would be slow

    /** {@code index} is the builder's, present exactly when there are more than {@link #LINEAR_LOOKUP_MAX} fields. */
    private Fields(String[] names, Value[] values, int size, Map<String, Integer> index) {
        this.names = names;
        this.values = values;
        this.size = size;
        this.index = index;
    }

    /** The same fields as an immutable {@code Fields}: {@code map} itself when it is one already. */
    public static Fields copyOf(Map<String, Value> map) {
        if (map instanceof Fields f) return f;
        Builder b = new Builder(map.size());
        map.forEach(b::put);
        return b.build();
    }

    public static Builder builder(int expectedSize) { return new Builder(expectedSize); }

    private int indexOf(Object name) { return find(names, size, index, name); }

    /** Where {@code name} is among the first {@code size} names: by the index when there is one, else by a scan. */
    private static int find(String[] names, int size, Map<String, Integer> index, Object name) {
        if (index != null) {
            Integer i = index.get(name);
            return i == null ? -1 : i;
        }
        for (int i = 0; i < size; i++) if (names[i].equals(name)) return i;
        return -1;
    }

    @Override public int size() { return size; }

    @Override public Value get(Object name) {
        int i = indexOf(name);
        return i < 0 ? null : values[i];
    }

    @Override public boolean containsKey(Object name) { return indexOf(name) >= 0; }

    @Override public void forEach(BiConsumer<? super String, ? super Value> action) {
        for (int i = 0; i < size; i++) action.accept(names[i], values[i]);
    }

    /**
     * The value of {@code name}, looked for first at position {@code hint}: a row made for a table
     * holds its columns in the table's order, so a writer going column by column finds each at once.
     */
    public static Value lookup(Map<String, Value> fields, int hint, String name) {
        if (fields instanceof Fields f && hint < f.size && f.names[hint].equals(name)) return f.values[hint];
        return fields.get(name);
    }

    /** The name of the i-th field, in order. */
    public String name(int i) { Objects.checkIndex(i, size); return names[i]; }

    /** The value of the i-th field, in order. */
    public Value value(int i) { Objects.checkIndex(i, size); return values[i]; }

    @Override
    public Set<Entry<String, Value>> entrySet() {
        return new AbstractSet<>() {
            @Override public int size() { return size; }

            @Override public Iterator<Entry<String, Value>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override public boolean hasNext() { return next < size; }

                    @Override public Entry<String, Value> next() {
                        if (next >= size) throw new NoSuchElementException();
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], values[i]);
                    }
                };
            }
        };
    }

    /** Collects fields in order; a name put twice keeps its first place and its last value, as a LinkedHashMap does. */
    public static final class Builder {
        private String[] names;
        private Value[] values;
        private int size;
        private Map<String, Integer> index;

        private Builder(int expectedSize) {
            int n = Math.max(expectedSize, 4);
            names = new String[n];
            values = new Value[n];
        }

        public Builder put(String name, Value value) {
            Objects.requireNonNull(name, "field name");
            Objects.requireNonNull(value, () -> "field " + name + " is null; use Value.NULL");
            if (names == null) throw new IllegalStateException("this builder was built already");
            int at = find(name);
            if (at >= 0) {
                values[at] = value;
                return this;
            }
            if (size == names.length) {
                names = Arrays.copyOf(names, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            names[size] = name;
            values[size] = value;
            if (index != null) index.put(name, size);
            size++;
            if (index == null && size > LINEAR_LOOKUP_MAX) {
                index = new HashMap<>(size * 4);
                for (int i = 0; i < size; i++) index.put(names[i], i);
            }
            return this;
        }

        private int find(String name) { return Fields.find(names, size, index, name); }

        public int size() { return size; }

        /** The value put for this name so far, or null. */
        public Value get(String name) {
            int at = find(name);
            return at < 0 ? null : values[at];
        }

        /** The fields; the builder must not be used afterwards. */
        public Fields build() {
            Fields built = size == 0 ? EMPTY : new Fields(names, values, size, index);
            names = null; // the arrays now belong to the Fields
            values = null;
            return built;
        }
    }
}
