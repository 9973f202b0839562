package cutover.cli;

import java.util.List;

/** The subcommands, in the order `cutover --help` lists them. */
final class Commands {
    private Commands() {}

    static List<Object> all() {
        return List.of(new DemoCommand(), new AnalyzeCommand(), new PlanCommand(), new MigrateCommand(), new VerifyCommand(),
                new BackupCommand(), new SnapshotsCommand(), new RestoreCommand(), new ForgetCommand(), new ReportCommand());
    }
}
