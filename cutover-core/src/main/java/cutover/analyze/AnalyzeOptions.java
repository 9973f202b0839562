package cutover.analyze;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

/**
 * How {@link Analyzer} reads: how many splits at once, how many example values per field, how many
 * distinct field paths per entity it lists, and how deep into nested maps it looks. The limits keep
 * memory bounded however irregular the data (a map used as a dictionary has one path per key).
 */
public record AnalyzeOptions(int parallelism, int examples, int maxFieldPaths, int maxDepth) {
    public static final AnalyzeOptions DEFAULTS = new AnalyzeOptions(2, 3, 500, 4);

    public AnalyzeOptions {
        atLeast("parallelism", parallelism, 1);
        atLeast("examples", examples, 0);
        atLeast("maxFieldPaths", maxFieldPaths, 1);
        atLeast("maxDepth", maxDepth, 1);
    }

    public AnalyzeOptions withParallelism(int n) { return new AnalyzeOptions(n, examples, maxFieldPaths, maxDepth); }
    public AnalyzeOptions withExamples(int n) { return new AnalyzeOptions(parallelism, n, maxFieldPaths, maxDepth); }
    public AnalyzeOptions withMaxFieldPaths(int n) { return new AnalyzeOptions(parallelism, examples, n, maxDepth); }
    public AnalyzeOptions withMaxDepth(int n) { return new AnalyzeOptions(parallelism, examples, maxFieldPaths, n); }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new CutoverException(ErrorCode.SETTING_INVALID, "analyze setting " + name + " must be at least " + min + ", found " + value);
        }
    }
}
