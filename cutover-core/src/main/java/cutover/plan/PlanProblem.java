package cutover.plan;

import java.util.Objects;

/**
 * One thing wrong with a plan, at a line of its file. An error stops {@code migrate}; a warning is
 * something to read before it runs (a Supabase table without row level security, values that will
 * go to the dead-letter file).
 */
public record PlanProblem(String file, int line, Severity severity, String message) {
    public enum Severity { ERROR, WARNING }

    public PlanProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
    }

    /** An error. */
    public PlanProblem(String file, int line, String message) {
        this(file, line, Severity.ERROR, message);
    }

    public boolean isError() { return severity == Severity.ERROR; }

    /** {@code plan.yaml:12: entity users column age: ...}, warnings marked {@code warning:}. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + (severity == Severity.WARNING ? "warning: " : "") + message;
    }
}
