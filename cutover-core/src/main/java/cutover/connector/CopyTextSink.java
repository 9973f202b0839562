package cutover.connector;

import cutover.model.Table;

import java.io.OutputStream;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A sink that can load rows given in a bulk text format as they are, when that gives the rows the
 * records would have given (a restore of a backup into tables the run created): no record is
 * decoded, mapped or encoded again, and every value is kept as the source has it.
 */
public interface CopyTextSink extends Sink {
    /**
     * Whether lines of {@code shape} load into {@code table} as the same values their records would
     * write: the run created the table (so it holds only this run's rows), its columns are the shape's,
     * and each column's type reads its source column's text as the value the record path would store.
     */
    boolean takesCopy(String runId, Table table, CopyShape shape);

    /**
     * Whether this sink makes a table as {@code definition} defines it (its own database's format),
     * and so can restore one without a primary key: whole, as its source's text.
     */
    default boolean makesAsDefined(cutover.model.NativeDefinition definition) {
        return false;
    }

    /**
     * Tells the sink, before the run, which of the source's tables the plan renames ({@code
     * sourceToTarget}: the source table's name without its schema → the plan's table): a table
     * made as its source defines it refers to the others by their source names (its foreign keys),
     * which are then the plan's.
     */
    default void tablesRenamed(java.util.Map<String, String> sourceToTarget) {}

    /**
     * Makes, before any table, those of a source's {@link CopyTextSource#schemaObjects} a table may
     * use (PostgreSQL: the functions a column's default or a check calls), where the target lacks
     * them; one that cannot be made yet is left for {@link #makeSchemaObjects}. Called before the
     * run, it also tells the sink that the tables' own objects (triggers, policies) will be made
     * after it, so the tables it completes do not warn of them. {@code runId}: the run it makes them
     * for (a schema it makes for them is the run's, as one its tables make).
     */
    default void makeSchemaObjectsTablesUse(String runId, cutover.model.NativeDefinition objects) {}

    /**
     * Makes what a source's {@link CopyTextSource#schemaObjects} held that the target lacks (one it
     * has, of the name, is left as it is), once the tables are complete; returns a sentence for each
     * that could not be made. The objects bound to a table that {@code tables} says was moved (renamed
     * or left out) or kept (the target's own) are not made, nor the triggers of one made from the
     * plan's types, and a sentence says so for each of these; a renamed table whose source had
     * row-level security is closed (on, without the policies). What it makes, and the tables
     * {@code tables} says the run made, go to the role that owned them in the source, unless told
     * {@link #ownWhatItMakes}. One in a format this sink does not make is one sentence saying so.
     */
    default List<String> makeSchemaObjects(cutover.model.NativeDefinition objects, TablesMade tables) {
        return notMade(objects, false).stream().toList();
    }

    /**
     * Tells the sink, before a restore of part of a snapshot writes, that the objects a source's
     * {@link CopyTextSource#schemaObjects} bind to the tables it makes will be made after them
     * ({@link #makeObjectsOfTables}), so the tables it completes do not warn of them.
     */
    default void makesObjectsOfTablesAfter(cutover.model.NativeDefinition objects) {}

    /**
     * Tells the sink that the role writing owns the tables and objects it makes, whoever owned them
     * in the source ({@code --no-owner}, as {@code pg_restore}'s): a target whose roles are not the
     * source's.
     */
    default void ownWhatItMakes() {}

    /**
     * Makes the objects a source's {@link CopyTextSource#schemaObjects} bind to these tables (their
     * triggers, rules, row-level security, policies, comments and grants: a restore of part of a
     * snapshot made the tables) where the target lacks them, and gives the tables to their source's
     * owner; no function, view or sequence. Returns a sentence for each that could not be made.
     */
    default List<String> makeObjectsOfTables(cutover.model.NativeDefinition objects, java.util.Set<String> tables) {
        return notMade(objects, false).stream().toList();
    }

    /** The tables run {@code runId} made as their source defined them (an earlier attempt of a run resumed made some). */
    default java.util.Set<String> tablesMadeBy(String runId) {
        return java.util.Set.of();
    }

    /** What {@link #makeObjectsOfTables} would make, without making it: a sentence naming them, or none. */
    default List<String> wouldMakeObjectsOfTables(cutover.model.NativeDefinition objects, java.util.Set<String> tables) {
        return notMade(objects, true).stream().toList();
    }

    /**
     * Sentences naming the schemas the target lacks that a snapshot's objects ({@code objects}, may be
     * null) and tables' {@code definitions} name (a foreign key to {@code auth.users}, a policy calling
     * {@code auth.uid()}), with what would not be made for want of them: for a dry run.
     */
    default List<String> wouldNeedOtherSchemas(cutover.model.NativeDefinition objects, java.util.Map<String, cutover.model.NativeDefinition> definitions) {
        return List.of();
    }

    /**
     * The other schemas whose missing objects kept something this sink made from being made (a
     * trigger running {@code public.f()}, a foreign key to {@code auth.users}), each said in a
     * warning: a restore of several schemas' snapshots restores again one that lacked a schema
     * restored after it, which makes what needed that schema.
     */
    default java.util.Set<String> schemasLacked() {
        return java.util.Set.of();
    }

    /**
     * Tells the sink that these schemas are restored with this one ({@link SchemaSet}'s snapshots):
     * a dry run does not foresee what names them as not made for want of them; what is not made for
     * want of one restored {@code after} this one is said to be made by the same restore.
     */
    default void schemasRestoredWith(java.util.Set<String> schemas, java.util.Set<String> after) {}

    /**
     * The other schemas a snapshot's objects ({@code objects}, may be null) and tables' {@code
     * definitions} name (a foreign key to {@code auth.users}, a trigger running {@code public.f()})
     * that the target lacks now: what names them will not be made until they are there.
     */
    default java.util.Set<String> otherSchemasMissing(cutover.model.NativeDefinition objects, java.util.Map<String, cutover.model.NativeDefinition> definitions) {
        return java.util.Set.of();
    }

    /**
     * For a dry run of a whole snapshot, before {@link Sink#rehearsePrepare}: the schema's objects the
     * tables it rehearses making name (a collation), made in the rehearsal's transaction first, as
     * the restore makes them before its tables.
     */
    default void rehearsesWith(cutover.model.NativeDefinition objects) {}

    /**
     * For a dry run of a whole snapshot: what of the schema's {@code objects} the restore would leave
     * unmade, found without making anything (a type the target has otherwise, a publication it would
     * not widen); none where it cannot tell.
     */
    default List<String> wouldNotMakeSchemaObjects(cutover.model.NativeDefinition objects) {
        return List.of();
    }

    /** The sentence for schema objects a target of another kind than their source does not make (with {@code dryRun}: would not); none for owners alone. */
    static java.util.Optional<String> notMade(cutover.model.NativeDefinition objects, boolean dryRun) {
        // named by what the source holds (its fields' names, in words); who owned what means nothing in a target of another
        // kind: the owners alone are nothing left unmade
        List<String> held = new java.util.ArrayList<>();
        for (var field = objects.body().fields(); field.hasNext(); ) {
            var e = field.next();
            // the schema itself (its owner and grants) is the roles' too; a field of its own (types) counts as a list does
            boolean kept = e.getValue().isArray() || (e.getValue().isObject() && !e.getKey().equals("schemaItself"));
            if (!e.getKey().equals("owners") && kept && !e.getValue().isEmpty()) {
                held.add(e.getKey().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (held.isEmpty()) return java.util.Optional.empty();
        return java.util.Optional.of("the source's " + String.join(", ", held) + " (" + objects.format() + ") " + (dryRun ? "would not be" : "were not")
                + " made: the target is of another kind");
    }


    /**
     * What of a source's {@link CopyTextSource#schemaObjects} the target lacks, a phrase per kind
     * ("views a, b"); empty when it lacks none, or makes none of this format.
     */
    default List<String> schemaObjectsLacking(cutover.model.NativeDefinition objects) {
        return List.of();
    }

    /** {@link #schemaObjectsLacking} but of the objects bound to these tables (those {@link #makeObjectsOfTables} makes). */
    default List<String> schemaObjectsLacking(cutover.model.NativeDefinition objects, java.util.Set<String> butOfTables) {
        return schemaObjectsLacking(objects);
    }

    /**
     * What {@link #makeSchemaObjects} would make, without making it: a sentence naming those the
     * target lacks (whether each can be made is known only by making it), and one for each owner in
     * the source that what it makes, or {@code tablesMade}, could not be given to.
     */
    default List<String> wouldMakeSchemaObjects(cutover.model.NativeDefinition objects, java.util.Set<String> tablesMade) {
        return notMade(objects, true).stream().toList();
    }

    /**
     * Loads the lines {@code rows} writes into {@code table} and commits them in one transaction
     * with the split's checkpoint, {@code checkpoint} of the number of rows loaded; returns that
     * number. On any failure nothing is committed and the exception is thrown.
     */
    long copyIn(String runId, String splitId, Table table, List<CopyColumn> columns, RowWriter rows, LongFunction<Sink.Checkpoint> checkpoint);

    /** Writes the rows to load, one line each; returns how many it wrote. */
    interface RowWriter {
        long writeTo(OutputStream out);
    }
}
