package cutover.postgres;

import cutover.connector.Connector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source reads one schema's tables; what it leaves out of the database is said, so that a backup
 * can warn of it: other schemas' tables, aggregates; an extension's own objects
 * are not the user's to hear of. (Functions, views, sequences no column uses, triggers and policies
 * and the types no column uses are the schema's objects, unlogged tables, column collations and the types columns use in the
 * tables' definitions: all backed up.)
 */
class LeftOutIT {
    @Test
    void whatASchemasTablesLeaveOutIsNamed() {
        try (TestDatabase db = new TestDatabase()) {
            db.sql("CREATE SCHEMA \"App Schema\"", "CREATE TABLE \"App Schema\".t (id int PRIMARY KEY)", "CREATE SCHEMA auth",
                    "CREATE TABLE auth.users (id int PRIMARY KEY)", "CREATE TABLE auth.sessions (id int PRIMARY KEY)",
                    "CREATE TABLE p (id int PRIMARY KEY, t text COLLATE \"C\", u text)", "CREATE UNLOGGED TABLE unl (id int PRIMARY KEY)",
                    "CREATE SEQUENCE standalone_seq", "CREATE TABLE s (id serial PRIMARY KEY)", "CREATE VIEW v AS SELECT 1 AS one",
                    "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS one", "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                    "CREATE TYPE used_mood AS ENUM ('a')", "CREATE DOMAIN used_code AS text", "CREATE DOMAIN over_used AS used_code",
                    "CREATE TABLE typed (id int PRIMARY KEY, m used_mood[], c over_used)",
                    "CREATE TYPE spare_mood AS ENUM ('b')", "CREATE TYPE pair AS (a int, b int)", "CREATE TYPE floatrange AS RANGE (subtype = float8)",
                    "CREATE FUNCTION twice(v int) RETURNS int LANGUAGE sql AS $$ SELECT v * 2 $$",
                    "CREATE AGGREGATE total(int) (sfunc = int4pl, stype = int, initcond = '0')");
            try (Connector c = db.open()) {
                assertThat(TestDatabase.source(c).leftOut()).containsExactly(
                        "only schema \"public\" is read: the tables of \"App Schema\" (1 table), \"auth\" (2 tables) are not in this snapshot"
                                + " (a backup of ?schema=public,App%20Schema,auth reads them too, at the same moment, each schema a snapshot)",
                        "aggregates are not backed up: total (`pg_dump --schema-only` of the source prints them)");
            }
        }
        try (TestDatabase plain = new TestDatabase()) {
            plain.sql("CREATE TABLE users (id serial PRIMARY KEY, name text)");
            try (Connector c = plain.open()) {
                assertThat(TestDatabase.source(c).leftOut()).isEmpty();
            }
        }
    }
}
