package cutover.postgres;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;

/**
 * COPY text with some fields of every line left out: what a table with generated columns takes,
 * since COPY refuses a value for one (the server computes it). In COPY text a tab or a newline inside
 * a value is written as {@code \t} or {@code \n}, so every raw tab ends a field and every raw newline
 * a line: the fields are cut without decoding them.
 */
final class CopyFieldsDropped extends FilterOutputStream {
    private final boolean[] dropped;
    private int field;
    private boolean keptBefore; // a field of this line was kept already: the next kept one needs its tab

    /** {@code dropped}: the positions (from 0) of the fields to leave out; at least one field of a line is kept. */
    CopyFieldsDropped(OutputStream out, Set<Integer> dropped) {
        super(out);
        int max = dropped.stream().mapToInt(Integer::intValue).max().orElse(-1);
        this.dropped = new boolean[max + 1];
        dropped.forEach(i -> this.dropped[i] = true);
        startLine();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len, run = off; // run: the start of the bytes of a kept field not yet written
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c != '\t' && c != '\n') continue;
            if (kept(field) && i > run) out.write(b, run, i - run);
            if (c == '\n') {
                out.write('\n');
                startLine();
            } else {
                field++;
                if (kept(field)) {
                    if (keptBefore) out.write('\t');
                    keptBefore = true;
                }
            }
            run = i + 1;
        }
        if (kept(field) && end > run) out.write(b, run, end - run);
    }

    private void startLine() {
        field = 0;
        keptBefore = kept(0);
    }

    private boolean kept(int f) {
        return f >= dropped.length || !dropped[f];
    }
}
