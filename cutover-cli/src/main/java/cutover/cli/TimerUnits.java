package cutover.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The systemd service and timer, and the crontab line, that run one backup command on a schedule.
 * The passphrase is read from a file (never written into a unit or a crontab, which others may read).
 */
record TimerUnits(List<String> command, Interval every, Path workingDirectory, Path passwordFile, boolean passwordFileGiven) {
    static final Path SUGGESTED_PASSWORD_FILE = Path.of("/etc/cutover/backup-passphrase");

    String text() {
        String cmd = String.join(" ", command.stream().map(TimerUnits::quote).toList());
        StringBuilder s = new StringBuilder();
        if (!passwordFileGiven) {
            s.append("# Put the repository's passphrase on the first line of ").append(passwordFile)
                    .append(", readable only by the user the backup runs as (chmod 600).\n");
        }
        s.append("# /etc/systemd/system/cutover-backup.service\n")
                .append("[Unit]\nDescription=Cutover backup (").append(cmd).append(")\n\n")
                .append("[Service]\nType=oneshot\nWorkingDirectory=").append(workingDirectory).append('\n')
                .append("ExecStart=").append(cmd).append("\n\n")
                .append("# /etc/systemd/system/cutover-backup.timer\n")
                .append("[Unit]\nDescription=Cutover backup every ").append(every.text()).append("\n\n")
                .append("[Timer]\nOnBootSec=5m\nOnUnitActiveSec=").append(every.systemd()).append("\nPersistent=true\n\n")
                .append("[Install]\nWantedBy=timers.target\n\n")
                .append("# then: systemctl daemon-reload && systemctl enable --now cutover-backup.timer\n\n");
        String cron = every.cron();
        if (cron != null) {
            s.append("# or, in crontab -e:\n").append(cron).append(" cd ").append(quote(workingDirectory.toString())).append(" && ").append(cmd)
                    .append(" --quiet >> cutover-backup.log 2>&1\n");
        } else {
            s.append("# cron cannot run exactly every ").append(every.text()).append("; use the systemd timer\n");
        }
        return s.toString();
    }

    /** The backup command without --every / --print-timer / --password-file, with the password file added back as an absolute path. */
    static List<String> command(String executable, List<String> args, Path passwordFile) {
        List<String> out = new ArrayList<>(List.of(executable));
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--every") || a.equals("--password-file")) { i++; continue; }
            if (a.startsWith("--every=") || a.startsWith("--password-file=") || a.equals("--print-timer")) continue;
            out.add(cutover.connector.Location.withoutSecrets(a)); // a password in a location belongs in CUTOVER_SOURCE_PASSWORD
        }
        out.add("--password-file");
        out.add(passwordFile.toAbsolutePath().toString());
        return out;
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=@%+,#-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
