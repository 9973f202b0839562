package cutover.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommandsTest {
    private static String name(Object command) {
        return command.getClass().getAnnotation(CommandLine.Command.class).name();
    }

    @Test
    void aLineThatNamesASubcommandBuildsThatOneAlone() {
        for (Object command : Commands.all()) {
            List<Object> built = Commands.forArgs(name(command), "--help");
            assertThat(built).as(name(command)).hasSize(1);
            assertThat(built.get(0)).isInstanceOf(command.getClass());
        }
    }

    @Test
    void anyOtherLineBuildsThemAll() {
        int all = Commands.all().size();
        assertThat(all).isEqualTo(10);
        assertThat(Commands.forArgs()).hasSize(all);
        assertThat(Commands.forArgs("--help")).hasSize(all);
        assertThat(Commands.forArgs("help", "backup")).hasSize(all);
        assertThat(Commands.forArgs("bakup")).hasSize(all);
        assertThat(Commands.forArgs("@args.txt")).hasSize(all);
    }

    @Test
    void helpStillListsEverySubcommand() {
        CliRun run = CliRun.of("--help");
        assertThat(run.exitCode()).isZero();
        for (Object command : Commands.all()) assertThat(run.out()).contains("  " + name(command) + " ");
    }

    /** Every exit code a command can end with is in the table of --help, also the JVM's own for SIGTERM (systemctl stop). */
    @Test
    void helpListsEveryExitCode() {
        String help = CliRun.of("--help").out();
        for (cutover.error.ErrorCode code : cutover.error.ErrorCode.values()) {
            assertThat(help).as(code.name()).containsPattern("(?m)^ *" + code.exitCode() + "  \\S");
        }
        assertThat(help).containsPattern("(?m)^143  stopped by SIGTERM");
    }

    @Test
    void aMistypedSubcommandIsStillCorrected() {
        CliRun run = CliRun.of("bakup");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("backup");
    }

    @Test
    void nestedSubcommandsComeWithTheirParent() {
        CliRun run = CliRun.of("backup", "init", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: cutover backup init");
    }
}
