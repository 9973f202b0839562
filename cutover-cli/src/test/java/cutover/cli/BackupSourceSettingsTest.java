package cutover.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The connector settings a backup opens its source with. */
class BackupSourceSettingsTest {
    private static BackupCommand backupOf(String source) {
        BackupCommand command = new BackupCommand();
        command.source = source;
        return command;
    }

    @Test
    void aPostgresServerOnThisMachineIsReadInRangesOfAMillionRows() {
        assertThat(backupOf("postgresql://app@127.0.0.1:5432/app").connectorSettings()).containsEntry("split-rows", "1000000");
        assertThat(backupOf("postgres://app@localhost/app").connectorSettings()).containsEntry("split-rows", "1000000");
    }

    @Test
    void aServerElsewhereAndOtherSourcesKeepTheirConnectorsRanges() {
        assertThat(backupOf("postgresql://app@db.example.com:5432/app").connectorSettings()).doesNotContainKey("split-rows");
        assertThat(backupOf("sqlite:./app.db").connectorSettings()).doesNotContainKey("split-rows");
        assertThat(backupOf(null).connectorSettings()).isEmpty(); // files only
    }

    @Test
    void followingChangesNamesTheSlotBesideTheRanges() {
        BackupCommand command = backupOf("postgresql://app@127.0.0.1:5432/app");
        command.followChanges = "cutover_backup";
        command.followChangesWait = 30;
        assertThat(command.connectorSettings()).containsEntry("follow-changes", "cutover_backup").containsEntry("follow-changes-wait", "30")
                .containsEntry("split-rows", "1000000");
    }
}
