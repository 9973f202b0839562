package cutover.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The subcommands, in the order `cutover --help` lists them, each made when a command line needs it. */
final class Commands {
    private Commands() {}

    private static final Map<String, Supplier<Object>> BY_NAME = new LinkedHashMap<>();
    static {
        BY_NAME.put("demo", DemoCommand::new);
        BY_NAME.put("analyze", AnalyzeCommand::new);
        BY_NAME.put("plan", PlanCommand::new);
        BY_NAME.put("migrate", MigrateCommand::new);
        BY_NAME.put("verify", VerifyCommand::new);
        BY_NAME.put("backup", BackupCommand::new);
        BY_NAME.put("snapshots", SnapshotsCommand::new);
        BY_NAME.put("restore", RestoreCommand::new);
        BY_NAME.put("forget", ForgetCommand::new);
        BY_NAME.put("report", ReportCommand::new);
    }

    static List<Object> all() {
        List<Object> out = new ArrayList<>();
        BY_NAME.values().forEach(make -> out.add(make.get()));
        return out;
    }

    /**
     * The subcommand that {@code args} run, alone, when their first word names one; else all of
     * them (help, a version, a mistyped name picocli suggests a correction for). Picocli reads
     * every subcommand's annotations when it is added, a third of a second at each start for
     * commands the line does not run.
     */
    static List<Object> forArgs(String... args) {
        Supplier<Object> one = args.length > 0 ? BY_NAME.get(args[0]) : null;
        return one != null ? List.of(one.get()) : all();
    }
}
