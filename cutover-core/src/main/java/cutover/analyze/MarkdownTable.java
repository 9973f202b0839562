package cutover.analyze;

import java.util.ArrayList;
import java.util.List;

/** A Markdown table padded so its columns line up on a terminal too; some columns right-aligned. */
final class MarkdownTable {
    private final List<String> headers;
    private final boolean[] right;
    private final List<List<String>> rows = new ArrayList<>();

    /** Headers; a header starting with '>' is right-aligned (the '>' is not shown). */
    MarkdownTable(String... headers) {
        this.headers = new ArrayList<>();
        this.right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            right[i] = headers[i].startsWith(">");
            this.headers.add(right[i] ? headers[i].substring(1) : headers[i]);
        }
    }

    MarkdownTable row(String... cells) {
        List<String> row = new ArrayList<>();
        for (String c : cells) row.add(c.replace("|", "\\|").replace("\n", " "));
        rows.add(row);
        return this;
    }

    boolean isEmpty() { return rows.isEmpty(); }

    String render() {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) width[i] = Math.max(3, length(headers.get(i)));
        for (List<String> row : rows) {
            for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], length(row.get(i)));
        }
        StringBuilder out = new StringBuilder();
        line(out, headers, width);
        out.append('|');
        for (int i = 0; i < width.length; i++) {
            out.append(right[i] ? "-".repeat(width[i] + 1) + ":" : "-".repeat(width[i] + 2)).append('|');
        }
        out.append('\n');
        for (List<String> row : rows) line(out, row, width);
        return out.toString();
    }

    private void line(StringBuilder out, List<String> cells, int[] width) {
        out.append('|');
        for (int i = 0; i < width.length; i++) {
            String pad = " ".repeat(width[i] - length(cells.get(i)));
            out.append(' ').append(right[i] ? pad + cells.get(i) : cells.get(i) + pad).append(" |");
        }
        out.append('\n');
    }

    private static int length(String s) { return s.codePointCount(0, s.length()); }
}
