package cutover.cli;

import picocli.CommandLine.Command;

/** Repairs parts of a damaged repository, as restic's {@code repair} commands do. */
@Command(name = "repair", mixinStandardHelpOptions = true, subcommands = {RepairIndexCommand.class, RepairSnapshotsCommand.class},
        description = "Repairs a damaged repository: `repair index` rebuilds the index from the packs; `repair snapshots` removes the snapshots that do not read.")
final class BackupRepairCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
