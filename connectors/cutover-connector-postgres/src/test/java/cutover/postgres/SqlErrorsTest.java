package cutover.postgres;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SqlErrorsTest {
    private static CutoverException of(String state) {
        return SqlErrors.translate(new SQLException("server said no", state), "writing", "postgresql://u:***@h/db");
    }

    @Test
    void classifiesBySqlState() {
        assertThat(of("08006").code()).isEqualTo(ErrorCode.TARGET_UNREACHABLE);
        assertThat(of("08006").retryable()).isTrue();
        assertThat(of("57P01").code()).isEqualTo(ErrorCode.TARGET_UNREACHABLE);
        assertThat(of("28P01").code()).isEqualTo(ErrorCode.TARGET_AUTH);
        assertThat(of("28P01").retryable()).isFalse();
        assertThat(of("40001").code()).isEqualTo(ErrorCode.TARGET_WRITE_FAILED);
        assertThat(of("40001").retryable()).isTrue();
        assertThat(of("40P01").retryable()).isTrue();
        assertThat(of("23505").code()).isEqualTo(ErrorCode.TARGET_WRITE_FAILED);
        assertThat(of("23505").retryable()).as("a constraint violation fails again").isFalse();
        assertThat(of("23505").getMessage()).contains("SQLSTATE 23505").contains("***");
    }

    @Test
    void aBatchRefusedForItsRowsSaysSoButNotForAMissingParentOrTheConnection() {
        java.util.function.Function<String, ErrorCode> batch =
                state -> SqlErrors.translateBatch(new SQLException("server said no", state), "writing", "postgresql://u:***@h/db").code();
        for (String refusal : List.of("23505", "23514", "23502", "23P01", "22001", "22003", "22021", "P0001", "P0004", "PT403", "U0001")) {
            assertThat(batch.apply(refusal)).as(refusal).isEqualTo(ErrorCode.TARGET_ROWS_REFUSED);
        }
        assertThat(batch.apply("23503")).as("a foreign key: the parent may come later").isEqualTo(ErrorCode.TARGET_WRITE_FAILED);
        assertThat(batch.apply("08006")).isEqualTo(ErrorCode.TARGET_UNREACHABLE);
        assertThat(batch.apply("42703")).as("a missing column is the table's, not a row's").isEqualTo(ErrorCode.TARGET_WRITE_FAILED);
        assertThat(batch.apply("53100")).as("a full disk").isEqualTo(ErrorCode.TARGET_WRITE_FAILED);
        assertThat(batch.apply("P0002")).as("a function's own failure to find data").isEqualTo(ErrorCode.TARGET_WRITE_FAILED);
        // a row a row-level security policy's WITH CHECK refuses is the row's; a privilege the table lacks is the table's
        java.util.function.Function<String, ErrorCode> privilege = message -> SqlErrors.translateBatch(new SQLException(message, "42501"),
                "writing", "postgresql://u:***@h/db").code();
        assertThat(privilege.apply("ERROR: new row violates row-level security policy for table \"users\"")).isEqualTo(ErrorCode.TARGET_ROWS_REFUSED);
        assertThat(privilege.apply("ERROR: permission denied for table users")).isEqualTo(ErrorCode.TARGET_WRITE_FAILED);
        // in another language, the batch's rows are probed, and the probe tells by the table (BadInputIT)
        assertThat(privilege.apply("FEHLER: neue Zeile verletzt Policy für Sicherheit auf Zeilenebene für Tabelle »users«"))
                .isEqualTo(ErrorCode.TARGET_ROWS_REFUSED);
    }

    @Test
    void aReadIsRetriedAfterALostConnectionOrAConflictNeverAfterAnError() {
        java.util.function.Function<String, CutoverException> read =
                state -> SqlErrors.translateRead(new SQLException("server said no", state), "reading", "postgresql://u:***@h/db");
        assertThat(read.apply("08006").retryable()).isTrue();
        assertThat(read.apply("40001").retryable()).as("a standby's query cancelled by replay").isTrue();
        assertThat(read.apply("55P03").retryable()).as("a lock not granted in lock_timeout").isTrue();
        assertThat(read.apply("42501").retryable()).as("permission denied fails again").isFalse();
        assertThat(read.apply("42501").code()).isEqualTo(ErrorCode.SOURCE_IO);
    }

    @Test
    void keyTextRoundTripsNullsAndQuotes() {
        List<String> key = Arrays.asList("a \"quoted\" \\ value", null, "2024-01-01 00:00:00+00");
        assertThat(KeyText.decode(KeyText.encode(key), "token")).isEqualTo(key);
    }

    /*
     * An object not made for want of another schema's says what to do: restore that schema first,
     * then run again (acceptance run 23 found it by trial: a policy calling auth.uid(), a foreign
     * key to auth.users, auth's trigger calling a function of public).
     */
    @Test
    void whatAnotherSchemaLacksSaysToRestoreItFirst() {
        assertThat(SqlErrors.withElsewhereHint("policy own on posts was not made: ERROR: schema \"auth\" does not exist", "public"))
                .contains("(it needs schema auth's objects: restore or migrate schema auth into this database first, then run this again,"
                        + " which makes what was not made; were they an extension's, CREATE EXTENSION … SCHEMA auth");
        assertThat(SqlErrors.withElsewhereHint("x was not made: ERROR: function pg_catalog.f() does not exist", "public")).doesNotContain("needs schema");
        assertThat(SqlErrors.withElsewhereHint("foreign key f was not restored: ERROR: relation \"auth.users\" does not exist (ALTER TABLE …)", "public"))
                .contains("schema auth's objects");
        assertThat(SqlErrors.withElsewhereHint("trigger t on users was not made: ERROR: function public.handle_new_user() does not exist", "auth"))
                .contains("schema public's objects");
    }

    @Test
    void whatItsOwnSchemaLacksOrAnythingElseIsLeftAsItIs() {
        String own = "view v was not made: ERROR: relation \"public.gone\" does not exist";
        assertThat(SqlErrors.withElsewhereHint(own, "public")).isEqualTo(own);
        String other = "policy p on t was not made: ERROR: permission denied";
        assertThat(SqlErrors.withElsewhereHint(other, "public")).isEqualTo(other);
    }
}
