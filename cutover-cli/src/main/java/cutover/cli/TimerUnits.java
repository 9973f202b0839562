package cutover.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The systemd service and timer, and the crontab line, that run one backup command on a schedule;
 * for a backup that follows the write-ahead log ({@code followsLog}), a service that stays up and
 * runs it with {@code --every} instead: a process started per run cannot read the log ahead.
 * The passphrase is read from a file (never written into a unit or a crontab, which others may read).
 */
record TimerUnits(List<String> command, Interval every, Path workingDirectory, Path passwordFile, boolean passwordFileGiven, boolean followsLog,
                  boolean sourcePasswordRemoved, boolean sourcePasswordInEnvironment) {
    static final Path SUGGESTED_PASSWORD_FILE = Path.of("/etc/cutover/backup-passphrase");
    /** Where the source's password goes when the location carried one (CUTOVER_SOURCE_PASSWORD=…). */
    static final Path ENVIRONMENT_FILE = Path.of("/etc/cutover/backup.env");

    String text() {
        String shell = String.join(" ", command.stream().map(TimerUnits::quote).toList());
        String shellCompact = String.join(" ", compactCommand().stream().map(TimerUnits::quote).toList());
        // a unit file reads % as a specifier (%% for itself); cron turns % into a line break (\% for itself)
        String cmd = inUnit(shell), compact = inUnit(shellCompact);
        StringBuilder s = new StringBuilder();
        if (!passwordFileGiven) {
            s.append("# Put the repository's passphrase on the first line of ").append(passwordFile)
                    .append(", readable only by the user the backup runs as (chmod 600).\n");
        }
        if (sourcePasswordFromFile()) {
            s.append(sourcePasswordRemoved ? "# The database password was taken out of the location (unit files and cron tables are often readable by all):\n"
                            : "# CUTOVER_SOURCE_PASSWORD is set in this shell, not in the service's or cron's environment:\n")
                    .append("# put CUTOVER_SOURCE_PASSWORD=<the password> in ").append(ENVIRONMENT_FILE)
                    .append(", readable only by the user the backup runs as (chmod 600).\n");
        }
        if (followsLog) return service(s, cmd).toString();
        s.append("# /etc/systemd/system/cutover-backup.service\n")
                .append("[Unit]\nDescription=Cutover backup (").append(cmd).append(")\n\n")
                .append("[Service]\nType=oneshot\nWorkingDirectory=").append(inUnit(workingDirectory.toString())).append('\n')
                .append(environment())
                .append("ExecStart=").append(cmd).append('\n')
                .append("# the tables the next run would read whole, their change layers merged from the repository instead\n")
                .append("ExecStartPost=").append(compact).append(" --quiet\n\n")
                .append("# /etc/systemd/system/cutover-backup.timer\n")
                .append("[Unit]\nDescription=Cutover backup every ").append(every.text()).append("\n\n")
                .append("[Timer]\nOnBootSec=5m\nOnUnitActiveSec=").append(every.systemd()).append("\n\n") // Persistent= acts on OnCalendar= only
                .append("[Install]\nWantedBy=timers.target\n\n")
                .append("# then: systemctl daemon-reload && systemctl enable --now cutover-backup.timer\n\n");
        String cron = every.cron();
        if (cron != null) {
            String env = sourcePasswordFromFile() ? "set -a && . " + ENVIRONMENT_FILE + " && set +a && " : "";
            String cronLine = " cd " + quote(workingDirectory.toString()) + " && " + env + "{ " + shell + " --quiet && " + shellCompact
                    + " --quiet; } >> cutover-backup.log 2>&1";
            s.append("# or, in crontab -e:\n").append(cron).append(cronLine.replace("%", "\\%")).append('\n');
        } else {
            s.append("# cron cannot run exactly every ").append(every.text()).append("; use the systemd timer\n");
        }
        return s.toString();
    }

    /**
     * One service that stays up and backs up every interval: between runs it reads the replication
     * slot ahead, which a timer or cron, starting a process per run, would lose (each run would then
     * decode, or scan, all that changed since the last). Restarted by systemd if it stops on an error.
     */
    private StringBuilder service(StringBuilder s, String cmd) {
        return s.append("# /etc/systemd/system/cutover-backup.service\n")
                .append("[Unit]\nDescription=Cutover backup every ").append(every.text()).append(", following the write-ahead log (")
                .append(cmd).append(")\nWants=network-online.target\nAfter=network-online.target\n\n")
                .append("[Service]\nType=simple\nWorkingDirectory=").append(inUnit(workingDirectory.toString())).append('\n')
                .append(environment())
                .append("ExecStart=").append(cmd).append(" --every ").append(every.systemd()).append('\n')
                .append("Restart=on-failure\nRestartSec=60s\n\n")
                .append("[Install]\nWantedBy=multi-user.target\n\n")
                .append("# then: systemctl daemon-reload && systemctl enable --now cutover-backup.service\n")
                .append("# One process that stays up, not a timer or a cron line: between runs it reads the replication slot ahead,\n")
                .append("# which a process started for each run cannot do. Its log: journalctl -u cutover-backup\n");
    }

    /** Text as a unit file reads it: {@code %} starts a specifier there, {@code %%} is a percent sign. */
    private static String inUnit(String text) { return text.replace("%", "%%"); }

    private boolean sourcePasswordFromFile() { return sourcePasswordRemoved || sourcePasswordInEnvironment; }

    private String environment() {
        return sourcePasswordFromFile() ? "EnvironmentFile=" + ENVIRONMENT_FILE + "\n" : "";
    }

    /** Whether any of the arguments is a location that carried a password ({@link #command} takes it out). */
    static boolean removesSourcePassword(List<String> args) {
        return args.stream().anyMatch(a -> !cutover.connector.Location.withoutSecrets(a).equals(a));
    }

    /**
     * The backup command, started by {@code launcher} ({@link Launcher}), without --every / --print-timer /
     * --password-file / --json, with the password file added back as an absolute path.
     */
    static List<String> command(List<String> launcher, List<String> args, Path passwordFile) {
        List<String> out = new ArrayList<>(launcher);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--every") || a.equals("--password-file")) { i++; continue; }
            if (a.startsWith("--every=") || a.startsWith("--password-file=") || a.equals("--print-timer") || a.equals("--json")) continue;
            out.add(cutover.connector.Location.withoutSecrets(a)); // a password in a location belongs in CUTOVER_SOURCE_PASSWORD
        }
        out.add("--password-file");
        out.add(passwordFile.toAbsolutePath().toString());
        return out;
    }

    /**
     * {@code backup compact --due} of the same repository and passphrase file: a process started per
     * run does not compact by itself, as one that stays up does after its runs (docs/backup-format.md "Compaction").
     */
    List<String> compactCommand() {
        int backup = command.indexOf("backup"); // the launcher's words (a path, or java -jar JAR) come before it
        List<String> out = new ArrayList<>(command.subList(0, backup));
        out.addAll(List.of("backup", "compact", "--due"));
        for (int i = backup + 1; i < command.size(); i++) {
            String a = command.get(i);
            if ((a.equals("--repo") || a.equals("--password-file")) && i + 1 < command.size()) {
                out.add(a);
                out.add(command.get(++i));
            } else if (a.startsWith("--repo=")) {
                out.add(a);
            }
        }
        return out;
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=@%+,#-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
