package cutover.firebase;

/**
 * Where a value sits in its document ({@code address.lines[2]}), spelled out only when a problem is
 * reported: building the text for every value read would cost more than decoding it.
 */
final class ValuePath {
    private final ValuePath parent;
    private final String name;
    private final int index;

    private ValuePath(ValuePath parent, String name, int index) {
        this.parent = parent;
        this.name = name;
        this.index = index;
    }

    /** A top-level field. */
    static ValuePath of(String field) { return new ValuePath(null, field, -1); }

    ValuePath field(String field) { return new ValuePath(this, field, -1); }

    ValuePath element(int i) { return new ValuePath(this, null, i); }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        append(s);
        return s.toString();
    }

    private void append(StringBuilder s) {
        if (parent != null) parent.append(s);
        if (name == null) s.append('[').append(index).append(']');
        else s.append(parent == null ? "" : ".").append(name);
    }
}
