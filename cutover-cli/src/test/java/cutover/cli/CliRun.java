package cutover.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Runs the command line in this JVM and captures what it prints, for tests. */
record CliRun(int exitCode, String out, String err) {
    static synchronized CliRun of(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            var cl = CutoverCommand.commandLine(args); // as Main builds it
            cl.setOut(new java.io.PrintWriter(o, true));
            cl.setErr(new java.io.PrintWriter(e, true));
            int code = cl.execute(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Runs {@code command} followed by {@code options}: the --repo and --password-file that every backup command of a test repeats. */
    static CliRun of(String[] command, String[] options) {
        String[] args = Arrays.copyOf(command, command.length + options.length);
        System.arraycopy(options, 0, args, command.length, options.length);
        return of(args);
    }

    /** What {@code --json} printed, which the run must have ended with exit 0 to print. */
    com.fasterxml.jackson.databind.JsonNode json() throws java.io.IOException {
        org.assertj.core.api.Assertions.assertThat(exitCode).as(toString()).isZero();
        return Json.MAPPER.readTree(out);
    }

    /** The texts of a JSON array of them (the warnings of a --json result). */
    static java.util.List<String> texts(com.fasterxml.jackson.databind.JsonNode array) {
        java.util.List<String> out = new java.util.ArrayList<>();
        array.forEach(w -> out.add(w.asText()));
        return out;
    }

    /** A plan from {@code source} to {@code target} written to {@code file} ({@code cutover plan … -o file}), which must succeed. */
    static java.nio.file.Path plan(String source, String target, java.nio.file.Path file) {
        CliRun p = of("plan", source, target, "-o", file.toString(), "--quiet");
        org.assertj.core.api.Assertions.assertThat(p.exitCode()).as(p.toString()).isZero();
        return file;
    }

    @Override
    public String toString() { return "exit " + exitCode + "\n--- out\n" + out + "\n--- err\n" + err; }
}
