package cutover.backup;

import cutover.connector.CopyTextFormat;

/**
 * The lines of a part stored as bulk text whose key matches a pattern, told from their key fields
 * alone: a partial restore ({@code --where-key}) then decodes only the lines it restores, not every
 * line of the snapshot, or copies them undecoded. For one thread. The key is the one the line's
 * record has ({@link CopyTextFormat#keyDecoder}), so the gate alone decides what a COPY gives;
 * {@link KeyFilteredSource} still checks every record it gives.
 */
final class KeyGate implements SnapshotRecordReader.LineFilter {
    private final CopyTextFormat.KeyDecoder keys;
    private final KeyGlob glob;

    private KeyGate(CopyTextFormat.KeyDecoder keys, KeyGlob glob) {
        this.keys = keys;
        this.glob = glob;
    }

    /** The gate of the entity's rows, or null (every line passes) where they are records or their format cannot decode a key alone. */
    static KeyGate of(Snapshot snapshot, EntitySnapshot entity, KeyGlob glob) {
        return glob == null ? null : keysOf(snapshot, entity).map(keys -> new KeyGate(keys, glob)).orElse(null);
    }

    /** The decoder of the keys of the entity's lines, where it is stored as bulk text of a format that decodes a key alone. */
    static java.util.Optional<CopyTextFormat.KeyDecoder> keysOf(Snapshot snapshot, EntitySnapshot entity) {
        if (entity.copyText() == null || entity.keyColumns().isEmpty()) return java.util.Optional.empty();
        return SnapshotRecordReader.formatOf(snapshot, entity).keyDecoder(entity.copyText().columns(), entity.keyColumns());
    }

    @Override
    public boolean keeps(byte[] line, int offset, int length) {
        return glob.matches(keys.key(line, offset, length));
    }

    /** Lines that {@code first} keeps and then {@code second} keeps; {@code first} sees every line. Either may be null (keeps all). */
    static SnapshotRecordReader.LineFilter after(SnapshotRecordReader.LineFilter first, SnapshotRecordReader.LineFilter second) {
        if (first == null) return second;
        if (second == null) return first;
        return new SnapshotRecordReader.LineFilter() {
            @Override
            public boolean keeps(byte[] line, int offset, int length) {
                return first.keeps(line, offset, length) && second.keeps(line, offset, length);
            }

            @Override
            public void partEnded() {
                first.partEnded();
                second.partEnded();
            }

            @Override
            public void close() {
                try {
                    first.close();
                } finally {
                    second.close();
                }
            }
        };
    }
}
