package cutover.postgres;

import cutover.connector.Connector;
import cutover.connector.CopyColumn;
import cutover.connector.CopyShape;
import cutover.connector.CopyTextSource;
import cutover.connector.PointInTime;
import cutover.model.EntityName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table's COPY shape names each column's type as the driver names the type of the column's values
 * (serials as their integer types): a backup compares it with the earlier snapshot's to reuse a
 * table, so the shapes read at once from the catalog must be those the driver's metadata gave a
 * table at a time (snapshots taken before hold those), for every kind of column.
 */
class CopyShapeIT {
    TestDatabase db;

    @BeforeEach
    void start() {
        db = new TestDatabase();
        db.sql("CREATE SCHEMA extensions", "CREATE EXTENSION citext SCHEMA extensions", "CREATE SCHEMA elsewhere",
                "CREATE TYPE elsewhere.point3 AS (x float8, y float8, z float8)", "CREATE TYPE mood AS ENUM ('ok', 'meh')",
                "CREATE TYPE \"My Type\" AS ENUM ('a')", "CREATE DOMAIN email AS text CHECK (value LIKE '%@%')",
                "CREATE DOMAIN work_email AS email", "CREATE DOMAIN positive AS numeric(8,2) CHECK (value > 0)",
                "CREATE TABLE wide (id serial PRIMARY KEY, big bigserial, small smallserial, ident int8 GENERATED ALWAYS AS IDENTITY,"
                        + " e email, w work_email, ea email[], p positive, m mood, ms mood[], my \"My Type\", ci extensions.citext,"
                        + " pt elsewhere.point3, n numeric(5,2), vc varchar(10), ts timestamptz, j jsonb, r int4range, ch \"char\","
                        + " b bit(3), money money, arr int[], txt text, u uuid, dropped int)",
                "ALTER TABLE wide DROP COLUMN dropped", "ALTER TABLE wide ADD COLUMN later date",
                "CREATE TABLE \"Other Table\" (k text PRIMARY KEY, v int)", "CREATE TABLE nothing ()",
                "CREATE DOMAIN tags AS text[] CHECK (cardinality(value) < 9)",
                "CREATE TABLE parted (id int, at date, t tags, e email, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                "CREATE TABLE parted_2026 PARTITION OF parted FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
    }

    @AfterEach
    void stop() {
        db.close();
    }

    @Test
    void theShapesReadAtOnceAreThoseTheDriverGivesATableAtATime() throws Exception {
        try (Connector connector = db.open()) {
            CopyTextSource source = (CopyTextSource) TestDatabase.source(connector);
            for (String table : List.of("wide", "Other Table", "nothing", "parted")) {
                CopyShape expected = new CopyShape(PgCopyText.NAME, driverColumns(table));
                assertThat(source.copyShape(EntityName.of(table))).as(table + ", not held").contains(expected);
                try (PointInTime held = source.holdAtThisMoment().orElseThrow()) {
                    assertThat(source.copyShape(EntityName.of(table))).as(table + ", held: every table's read at once").contains(expected);
                }
            }
            assertThat(source.copyShape(EntityName.of("wide")).orElseThrow().columns()).extracting(CopyColumn::type)
                    .contains("int4", "int8", "int2", "text", "_email", "mood", "My Type", "\"extensions\".\"citext\"", "\"elsewhere\".\"point3\"");
        }
    }

    /** The columns as the driver's metadata of the table's rows names their types, one table at a time (as before). */
    private List<CopyColumn> driverColumns(String table) throws Exception {
        List<CopyColumn> out = new ArrayList<>();
        try (Connection c = db.jdbc(); PreparedStatement ps = c.prepareStatement("SELECT * FROM " + TableName.quote(table) + " LIMIT 0")) {
            ResultSetMetaData meta = ps.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) out.add(new CopyColumn(meta.getColumnName(i), PgTypes.typname(meta, i)));
        }
        return out;
    }
}
