package cutover.cli;

import cutover.error.CutoverException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** backup --every: intervals, the printed systemd timer and crontab line, and a real scheduled run in a child process. */
class BackupScheduleTest {
    @TempDir Path dir;

    @Test
    void intervalsParseAndMapToCronWhereCronCanKeepThePace() {
        assertThat(Interval.parse("6h").duration()).isEqualTo(Duration.ofHours(6));
        assertThat(Interval.parse("1h30m").duration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(Interval.parse("6h").cron()).isEqualTo("0 */6 * * *");
        assertThat(Interval.parse("15m").cron()).isEqualTo("*/15 * * * *");
        assertThat(Interval.parse("1d").cron()).isEqualTo("0 0 * * *");
        assertThat(Interval.parse("7h").cron()).isNull();
        assertThat(Interval.parse("1h30m").cron()).isNull();
        for (String bad : List.of("", "6", "h", "6x", "0h", "6h junk")) {
            assertThatThrownBy(() -> Interval.parse(bad)).as(bad).isInstanceOf(CutoverException.class);
        }
    }

    @Test
    void printTimerGivesAServiceATimerAndACronLineWithoutThePassphrase() throws Exception {
        Path password = dir.resolve("pass");
        Files.writeString(password, "the secret passphrase\n");
        CliRun run = CliRun.of("backup", "postgresql://app:hunter2@db:5432/app", "--repo", "/srv/backups", "--password-file", password.toString(),
                "--tag", "nightly", "--every", "6h", "--print-timer");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).as("the password file exists").doesNotContain("does not exist");
        String launcher = String.join(" ", Launcher.current());
        assertThat(run.out()).contains("OnUnitActiveSec=6h").contains("ExecStart=").contains("[Timer]")
                .contains("0 */6 * * *").contains("--password-file " + password.toAbsolutePath()).contains("--tag nightly")
                .contains("postgresql://app@db:5432/app")
                .doesNotContain("--every").doesNotContain("--print-timer").doesNotContain("hunter2").doesNotContain("the secret passphrase");
        // after each run, the layers its next run would read whole are compacted, in the same repository with the same passphrase file
        assertThat(run.out()).contains("ExecStartPost=" + launcher + " backup compact --due --repo /srv/backups --password-file " + password.toAbsolutePath() + " --quiet")
                .contains("--quiet && " + launcher + " backup compact --due --repo /srv/backups --password-file " + password.toAbsolutePath()
                        + " --quiet; } >> cutover-backup.log 2>&1");
        // the password taken out of the location comes back from a file only the backup's user reads
        assertThat(run.out()).contains("CUTOVER_SOURCE_PASSWORD=").contains("EnvironmentFile=/etc/cutover/backup.env")
                .contains("set -a && . /etc/cutover/backup.env && set +a && ");

        assertThat(run.out()).as("Persistent= acts on OnCalendar= timers only").doesNotContain("Persistent=");
        CliRun json = CliRun.of("backup", "sqlite:./app.db", "--repo", "/srv/backups", "--every", "6h", "--print-timer", "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        var printed = Json.MAPPER.readTree(json.out());
        assertThat(printed.get("every").asText()).isEqualTo("6h");
        assertThat(printed.get("units").asText()).contains("OnUnitActiveSec=6h").contains("0 */6 * * *");

        CliRun noFile = CliRun.of("backup", "sqlite:./app.db", "--repo", "/srv/backups", "--every", "7h", "--print-timer");
        assertThat(noFile.out()).contains("/etc/cutover/backup-passphrase").contains("chmod 600").contains("cron cannot run exactly every 7h")
                .as("no password in the location, no environment file").doesNotContain("EnvironmentFile").doesNotContain("CUTOVER_SOURCE_PASSWORD");
        CliRun noEvery = CliRun.of("backup", "sqlite:./app.db", "--repo", "/srv/backups", "--print-timer");
        assertThat(noEvery.exitCode()).as(noEvery.toString()).isEqualTo(2);
        assertThat(noEvery.err()).as("a usage error as any other, without the help page")
                .startsWith("cutover: USAGE: --print-timer needs --every INTERVAL").doesNotContain("Usage:");

        // the source's password given as CUTOVER_SOURCE_PASSWORD where the timer is printed: the units are told where to find it
        String fromEnvironment = new TimerUnits(List.of("cutover", "backup", "postgresql://app@db/app"), Interval.parse("6h"), Path.of("/srv"),
                Path.of("/etc/cutover/backup-passphrase"), true, false, false, true).text();
        assertThat(fromEnvironment).contains("CUTOVER_SOURCE_PASSWORD is set in this shell").contains("EnvironmentFile=/etc/cutover/backup.env")
                .contains("set -a && . /etc/cutover/backup.env && set +a && ");
        // a % (a location's escaped character) is a specifier to systemd and a line break to cron: doubled there, escaped here
        CliRun percent = CliRun.of("backup", "postgresql://post%67res@db:5432/app", "--repo", "/srv/backups", "--every", "6h", "--print-timer");
        assertThat(percent.out()).contains("ExecStart=" + launcher + " backup postgresql://post%%67res@db:5432/app")
                .contains("{ " + launcher + " backup postgresql://post\\%67res@db:5432/app");
    }

    /**
     * systemd before 239 runs only an absolute ExecStart=, later ones and cron search a short path of
     * their own: the units name the launcher this process was started by, as an absolute path.
     */
    @Test
    void theUnitsStartCutoverByAnAbsolutePath() {
        Path java = Path.of("/usr/lib/jvm/java-17/bin/java");
        assertThat(Launcher.of("/opt/cutover/cutover", java, Path.of("/opt/cutover/cutover-cli/target/cutover.jar"), "x.jar"))
                .as("the cutover script, which says so in CUTOVER_LAUNCHER").containsExactly("/opt/cutover/cutover");
        assertThat(Launcher.of(null, java, Path.of("/opt/cutover/cutover.jar"), "/opt/cutover/cutover.jar"))
                .as("java -jar, by the running java").containsExactly(java.toString(), "-jar", "/opt/cutover/cutover.jar");
        assertThat(Launcher.of("cutover", java, Path.of("/opt/cutover/cutover.jar"), "/opt/cutover/cutover.jar"))
                .as("a bare name is what systemd cannot run").containsExactly(java.toString(), "-jar", "/opt/cutover/cutover.jar");
        List<String> fromClasses = Launcher.of(null, java, Path.of("target/classes"), "target/classes");
        assertThat(fromClasses).containsExactly(java.toString(), "-cp", Path.of("target/classes").toAbsolutePath().toString(), "cutover.cli.Main");

        // the compaction after a run, and the cron line, start Cutover the same way
        List<String> launcher = Launcher.of(null, java, Path.of("/opt/cutover/cutover.jar"), "");
        String units = new TimerUnits(TimerUnits.command(launcher, List.of("backup", "sqlite:./app.db", "--repo", "/srv/backups"), Path.of("/etc/pw")),
                Interval.parse("6h"), Path.of("/srv"), Path.of("/etc/pw"), true, false, false, false).text();
        String started = String.join(" ", launcher);
        assertThat(units).contains("ExecStart=" + started + " backup sqlite:./app.db --repo /srv/backups --password-file /etc/pw\n")
                .contains("ExecStartPost=" + started + " backup compact --due --repo /srv/backups --password-file /etc/pw --quiet")
                .contains("{ " + started + " backup sqlite:./app.db").contains("&& " + started + " backup compact --due");

        CliRun printed = CliRun.of("backup", "sqlite:./app.db", "--repo", "/srv/backups", "--every", "6h", "--print-timer");
        assertThat(printed.out()).contains("ExecStart=" + Path.of(System.getProperty("java.home"), "bin", "java") + " ");
    }

    /** The units are often printed before the password file is made, but a file that never is fails every run: a warning names it. */
    @Test
    void aPasswordFileThatDoesNotExistIsWarnedOf() {
        Path missing = dir.resolve("no-such-pass");
        CliRun run = CliRun.of("backup", "sqlite:./app.db", "--repo", "/srv/backups", "--password-file", missing.toString(), "--every", "6h", "--print-timer");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("--password-file " + missing.toAbsolutePath());
        assertThat(run.err()).contains("warning: the password file " + missing.toAbsolutePath() + " does not exist");
    }

    @Test
    void aBackupThatFollowsTheLogIsGivenAServiceThatStaysUpNotATimer() throws Exception {
        Path password = dir.resolve("pass");
        Files.writeString(password, "the secret passphrase\n");
        CliRun run = CliRun.of("backup", "postgresql://app:hunter2@db:5432/app", "--repo", "/srv/backups", "--password-file", password.toString(),
                "--every", "6h", "--follow-changes=nightly_slot", "--print-timer");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Type=simple").contains("Restart=on-failure").contains("WantedBy=multi-user.target")
                .contains("--follow-changes=nightly_slot").contains("--every 6h").contains("--password-file " + password.toAbsolutePath())
                .contains("postgresql://app@db:5432/app").contains("enable --now cutover-backup.service").contains("EnvironmentFile=/etc/cutover/backup.env")
                .doesNotContain("[Timer]").doesNotContain("crontab").doesNotContain("--print-timer")
                .doesNotContain("hunter2").doesNotContain("the secret passphrase");
    }

    @Test
    void everyRunsTheBackupAgainUntilStoppedWithALineAPerRun() throws Exception {
        Path folder = dir.resolve("storage");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("a.txt"), "a");
        String[] repoArgs = TestRepository.init(dir, "schedule").args();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("backup", "--files", folder.toString()));
        args.addAll(java.util.List.of(repoArgs));
        args.addAll(java.util.List.of("--state", dir.resolve("state").toString(), "--every", "1s"));
        String text = String.join("\n", scheduled(args, "backup run ", 3));
        assertThat(text).contains("backup run 1: snapshot").contains("backup run 2: snapshot").contains("next run at");
        assertThat(text).as("each run says where its time went")
                .containsPattern("backup run 2: .* in [^(]+ \\(lock \\d+, files \\d+, storing \\d+, releasing \\d+ ms\\); next run at");
        CliRun snapshots = CliRun.of(new String[] {"snapshots", "--json"}, repoArgs);
        assertThat(Json.MAPPER.readTree(snapshots.out()).get("snapshots").size()).isGreaterThanOrEqualTo(2);

        // with --json, a JSON object per line (JSON Lines) that a script reads line by line
        java.util.List<String> withJson = new java.util.ArrayList<>(args);
        withJson.add("--json");
        java.util.List<String> lines = scheduled(withJson, "\"run\"", 2);
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < 2; i++) {
            com.fasterxml.jackson.databind.JsonNode event = Json.MAPPER.readTree(lines.get(i));
            assertThat(event.get("run").asLong()).isEqualTo(i + 1);
            assertThat(event.get("snapshot").get("shortId").asText()).hasSize(8);
            assertThat(event.get("millis").asLong()).isNotNegative();
            assertThat(event.get("phasesMillis").has("storing")).isTrue();
            assertThat(event.get("nextRun").asText()).isNotBlank();
        }
    }

    /**
     * A repository an earlier run wrote to that is not there at a run (a backup disk not mounted for a
     * while) fails that run, and the schedule goes on: it stopped for good, as for a repository never made.
     */
    @Test
    void aRepositoryMissingForAWhileFailsThoseRunsNotTheSchedule() throws Exception {
        Path folder = dir.resolve("storage");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("a.txt"), "a");
        TestRepository repo = TestRepository.init(dir, "unmounted");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "cutover.cli.Main", "backup", "--files", folder.toString()));
        command.addAll(java.util.List.of(repo.args("--state", dir.resolve("state").toString(), "--every", "1s")));
        Path log = dir.resolve("unmounted.log"), away = dir.resolve("unmounted-repo.away");
        Process p = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitLine(log, "backup run 1: snapshot");
            Files.move(repo.path(), away);
            awaitLine(log, "FAILED: BACKUP_NOT_FOUND");
            Files.move(away, repo.path());
            long failedRun = Files.readAllLines(log).stream().filter(l -> l.contains("FAILED")).count();
            assertThat(Files.readString(log)).contains("next run at").doesNotContain("stopping");
            awaitLine(log, "backup run " + (2 + failedRun) + ": snapshot");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitLine(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count(log, text) == 0) {
            assertThat(System.nanoTime()).as("a line with " + text + " in " + (Files.exists(log) ? Files.readString(log) : "")).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** The lines a scheduled backup ({@code args}, in a child process) printed until {@code runs} lines held {@code marker}, or a minute passed. */
    private java.util.List<String> scheduled(java.util.List<String> args, String marker, int runs) throws Exception {
        Path log = Files.createTempFile(dir, "schedule", ".log");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "cutover.cli.Main"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && count(log, marker) < runs) Thread.sleep(200);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        return Files.readAllLines(log);
    }

    private static long count(Path file, String text) throws Exception {
        if (!Files.exists(file)) return 0;
        return Files.readAllLines(file).stream().filter(l -> l.contains(text)).count();
    }
}
