package cutover.postgres;

import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.Table;
import cutover.postgres.TableDefinition.DefinedColumn;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table made from its definition gets its primary key after its rows, in finish, under the
 * source's name where it is free; and at once when rows are to come by upsert (the run left the fast
 * path), since the upsert needs it.
 */
class DefinedTableIT extends ScratchSink {
    private static Table defined(String name, String primaryKeyName) {
        TableDefinition d = new TableDefinition(primaryKeyName, List.of(new DefinedColumn("id", "integer", true, null, null, null),
                new DefinedColumn("note", "character varying(20)", false, null, null, null)), List.of(), List.of(), List.of(), List.of(),
                List.of(), false, false, List.of(), List.of(), List.of(), null, null);
        return new Table(name, List.of(new Column("id", ColumnType.BIGINT, false), new Column("note", ColumnType.TEXT, true)), List.of("id"),
                List.of(), false).withDefinition(d.toNative());
    }

    private static String primaryKey(String table) {
        return db.one("SELECT coalesce((SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '"
                + table + "'::regclass AND contype = 'p'), 'none')");
    }

    @Test
    void theKeyComesAfterTheRowsUnderItsOwnNameWhereItIsFree() {
        db.sql("CREATE TABLE other (id int CONSTRAINT taken_pkey PRIMARY KEY)");
        List<Table> tables = List.of(defined("keyed", "keyed_src_pkey"), defined("clash", "taken_pkey"));
        assertThat(sink.prepare("run-key", tables, true)).isEmpty();
        assertThat(primaryKey("keyed")).isEqualTo("none");
        assertThat(db.one("SELECT format_type(atttypid, atttypmod) || ' ' || attnotnull FROM pg_attribute WHERE attrelid = 'keyed'::regclass AND attname = 'note'"))
                .isEqualTo("character varying(20) false");
        db.sql("INSERT INTO keyed VALUES (1, 'a'), (2, 'b')");
        assertThat(sink.finish("run-key", tables)).isEmpty();
        assertThat(primaryKey("keyed")).isEqualTo("keyed_src_pkey PRIMARY KEY (id)");
        assertThat(primaryKey("clash")).isEqualTo("clash_pkey PRIMARY KEY (id)"); // the source's name is another table's
        assertThat(sink.finish("run-key", tables)).isEmpty(); // done already: nothing to do
    }

    @Test
    void aRunOffTheFastPathGetsTheKeyBeforeItsUpserts() {
        List<Table> tables = List.of(defined("upserted", "upserted_pkey"));
        assertThat(sink.prepare("run-upsert", tables, true)).isEmpty();
        assertThat(primaryKey("upserted")).isEqualTo("none");
        db.sql("UPDATE cutover.run_tables SET fast_path = false WHERE run_id = 'run-upsert'");
        assertThat(sink.prepare("run-upsert", tables, true)).isEmpty();
        assertThat(primaryKey("upserted")).isEqualTo("upserted_pkey PRIMARY KEY (id)");
    }
}
