package cutover.cli;

import cutover.backup.Repository;
import cutover.backup.Snapshot;
import cutover.connector.Location;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The restore of snapshots taken together ({@link cutover.backup.SnapshotSet}: a database's schemas
 * backed up at one moment), each into its schema of one target, in the order taken, each a restore
 * of its own (journaled, resumable, its summary printed). A schema's snapshot that could not make
 * something for want of another restored after it (on Supabase, a trigger on {@code auth.users}
 * running {@code public.handle_new_user()}, while {@code public}'s foreign keys name {@code
 * auth.users}) is restored again once all are in, which makes it: the advice a restore of one
 * schema gives ("restore that schema first, then this again"), followed; its rows, restored moments
 * before, are not read again.
 */
final class SetRestore {
    private final RestoreCommand options;
    private final List<Snapshot> members;

    SetRestore(RestoreCommand options, List<Snapshot> members) {
        this.options = options;
        this.members = List.copyOf(members);
    }

    int run(Repository repository) throws IOException {
        List<String> schemas = members.stream().map(s -> SchemaOfSnapshot.schemaOf(s.source()).orElse("public")).toList();
        refuseWhatASetCannotTake(schemas);
        List<Map<String, Object>> restored = new ArrayList<>();
        List<Map<String, Object>> again = new ArrayList<>();
        List<RestoreCommand> last = new ArrayList<>(); // each member's latest restore
        List<Integer> exits = new ArrayList<>();
        List<Integer> restoredAt = new ArrayList<>(); // when each member's latest restore ran, in restores of this run
        int restores = 0;
        for (int i = 0; i < members.size(); i++) {
            RestoreCommand one = options.withSameOptions();
            exits.add(one.restoreMember(repository, members.get(i), othersThan(schemas, i),
                    new java.util.HashSet<>(schemas.subList(i + 1, schemas.size())), restored::add));
            last.add(one);
            restoredAt.add(++restores);
        }
        // again, a member that lacked another's objects once another was restored since it (a chain of views across
        // three schemas takes two passes more), at most a pass a member; with --delete, one whose rows a later one's referred to
        for (int pass = 2; !options.dryRun && pass <= Math.max(2, members.size()); pass++) {
            boolean restoredAgain = false;
            for (int i = 0; i < members.size(); i++) {
                Set<String> lacked = new java.util.TreeSet<>(last.get(i).lacked());
                lacked.retainAll(othersThan(schemas, i));
                int since = restoredAt.get(i);
                boolean othersSince = restoredAt.stream().anyMatch(at -> at > since);
                boolean keptForLater = pass == 2 && options.delete && last.get(i).keptByDelete() > 0 && i < members.size() - 1;
                if ((lacked.isEmpty() || !othersSince) && !keptForLater) continue; // nothing to make, or nothing new to make it with
                if (options.output.showSummary()) {
                    System.out.println("restoring snapshot " + members.get(i).shortId() + " again: " + (lacked.isEmpty()
                            ? "its --delete kept rows that rows of a schema restored after it referred to, deleted since"
                            : "what it did not make for want of schema " + String.join(", ", lacked) + ", restored since, is made now"));
                }
                RestoreCommand once = options.withSameOptions();
                exits.set(i, once.restoreMemberAgain(repository, members.get(i), othersThan(schemas, i), again::add));
                last.set(i, once);
                restoredAt.set(i, ++restores);
                restoredAgain = true;
            }
            if (!restoredAgain) break;
        }
        int exit = exits.stream().mapToInt(Integer::intValue).max().orElse(0); // each member's last restore
        if (options.output.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("set", members.get(0).set().id());
            if (options.dryRun) out.put("dryRun", true);
            out.put("snapshots", restored); // each as a restore of it alone gives it
            out.put("restoredAgain", again); // those that lacked a schema restored after them (or kept rows for one), restored again
            System.out.println(Json.write(out));
        }
        return exit;
    }

    /** The set's schemas but the {@code i}th member's. */
    private static Set<String> othersThan(List<String> schemas, int i) {
        Set<String> out = new java.util.HashSet<>(schemas);
        out.remove(schemas.get(i));
        return out;
    }

    /** A set goes whole into one PostgreSQL database, each snapshot into its own schema: a part, a schema named, files do not fit it. */
    private void refuseWhatASetCannotTake(List<String> schemas) {
        String ids = String.join(", ", members.stream().map(Snapshot::shortId).toList());
        String why = null;
        if (!options.only.isEmpty() || options.whereKey != null) why = "--only and --where-key restore part of one snapshot";
        else if (options.filesTo != null) why = "its snapshots hold no files (--files-to)";
        else if (options.target == null || !SchemaOfSnapshot.postgres(options.target)) why = "its schemas go into a PostgreSQL database";
        else if (SchemaOfSnapshot.schemaOf(options.target).isPresent()) {
            why = "each of its snapshots goes into its own schema, and the target names one (leave ?schema= out)";
        }
        if (why == null) return;
        throw new CutoverException(ErrorCode.USAGE, "snapshots " + ids + " were taken together, of schemas " + String.join(", ", schemas)
                + ", and are restored together: " + why + (options.target == null ? "" : " (" + Location.redact(options.target) + ")")
                + "; to restore one of them alone, give its id");
    }
}
