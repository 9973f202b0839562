package cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher (./cutover) on a machine whose temporary folder forbids running programs (mounted
 * noexec, a common hardening of /tmp): the native libraries the JVM unpacks there (zstd's first)
 * would not load, so it points the JVM at a private folder under Cutover's cache instead. Needs a
 * noexec folder: a tmpfs mounted for the test, so root on Linux; skipped elsewhere.
 */
@EnabledOnOs(OS.LINUX)
class LauncherTemporaryFolderIT {
    private static final Path LAUNCHER = Path.of("..", "cutover").toAbsolutePath().normalize();

    @TempDir Path dir;

    @Test
    void aBackupRunsWhereTheTemporaryFolderIsMountedNoexec() throws Exception {
        Path noexec = Files.createDirectories(dir.resolve("noexec"));
        assumeTrue(run(List.of("mount", "-t", "tmpfs", "-o", "noexec,size=64m", "tmpfs", noexec.toString()), Map.of()).exit == 0,
                "mounting a noexec tmpfs needs root");
        try {
            Path export = dir.resolve("export.json");
            Files.writeString(export, "{\"__collections__\": {\"users\": {\"u1\": {\"name\": \"Ada\", \"__collections__\": {}}}}}");
            Path cache = dir.resolve("cache");
            Map<String, String> env = Map.of("TMPDIR", noexec.toString(), "XDG_CACHE_HOME", cache.toString(), "CUTOVER_PASSWORD", "a passphrase");
            String repo = dir.resolve("repo").toString(), state = dir.resolve("state").toString();

            Result init = run(List.of(LAUNCHER.toString(), "backup", "init", "--repo", repo), env);
            assertThat(init.exit).as(init.output).isZero();
            Result backup = run(List.of(LAUNCHER.toString(), "backup", "firestore-export:" + export, "--repo", repo, "--state", state), env);
            assertThat(backup.exit).as(backup.output).isZero();
            assertThat(backup.output).contains("1 record in 1 entity");
            assertThat(cache.resolve("cutover/tmp")).isDirectory();

            // the same command told to use the noexec folder itself fails, as every command did before
            Map<String, String> forced = new java.util.HashMap<>(env);
            forced.put("CUTOVER_JAVA_OPTS", "-Djava.io.tmpdir=" + noexec);
            Result failing = run(List.of(LAUNCHER.toString(), "backup", "firestore-export:" + export, "--repo", repo, "--state", state), forced);
            assertThat(failing.exit).as(failing.output).isNotZero();
            assertThat(failing.output).contains("zstd");
        } finally {
            run(List.of("umount", noexec.toString()), Map.of());
        }
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("CUTOVER_CACHE_DIR"); // the build's, for the tests in this JVM; the launcher then takes XDG_CACHE_HOME's
        pb.environment().remove("CUTOVER_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) p.destroyForcibly();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
