package cutover.cli;

import cutover.backup.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Creates an empty repository with a new random master key, wrapped under the passphrase. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Creates a backup repository in an empty or new folder. Keep the passphrase: without it the backups cannot be read.")
final class BackupInitCommand implements Callable<Integer> {
    @Mixin RepoOptions repo;
    @Mixin OutputOptions output;

    @Override
    public Integer call() {
        Repository repository = repo.init();
        if (output.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("repository", repository.path().toString());
            out.put("id", repository.id());
            System.out.println(Json.write(out));
        } else if (output.showSummary()) {
            System.out.println("created repository " + repository.id().substring(0, 8) + " at " + repository.path());
        }
        return 0;
    }
}
