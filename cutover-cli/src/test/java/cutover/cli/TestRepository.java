package cutover.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A repository made by {@code backup init} in a test's folder ({@code <name>-repo}), its passphrase
 * ({@code <name> passphrase}) in a file beside it ({@code <name>-password}).
 */
record TestRepository(Path path, String passphrase, Path passwordFile) {
    static TestRepository init(Path dir, String name) throws IOException {
        TestRepository made = new TestRepository(dir.resolve(name + "-repo"), name + " passphrase", dir.resolve(name + "-password"));
        Files.writeString(made.passwordFile, made.passphrase + "\n");
        CliRun init = CliRun.of(new String[] {"backup", "init"}, made.args());
        if (init.exitCode() != 0) throw new AssertionError("backup init failed: " + init);
        return made;
    }

    /** {@code restore latest} into {@code target} with {@code --json} and the state folder {@code state}, then {@code more}. */
    CliRun restoreLatest(String target, Path state, String... more) {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("restore", "latest", target, "--json", "--state", state.toString()));
        command.addAll(java.util.List.of(more));
        return CliRun.of(command.toArray(String[]::new), args());
    }

    /** {@code --repo} and {@code --password-file}, which every backup command of a test repeats, then {@code more}. */
    String[] args(String... more) {
        java.util.List<String> out = new java.util.ArrayList<>(java.util.List.of("--repo", path.toString(), "--password-file", passwordFile.toString()));
        out.addAll(java.util.List.of(more));
        return out.toArray(String[]::new);
    }
}
