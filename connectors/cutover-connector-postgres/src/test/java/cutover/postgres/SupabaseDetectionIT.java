package cutover.postgres;

import cutover.connector.Connector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Supabase is recognised by its auth schema and its anon and authenticated roles. Roles are cluster-wide: only those created here are dropped. */
class SupabaseDetectionIT {
    @Test
    void needsTheAuthSchemaAndBothRoles() {
        List<String> created = new ArrayList<>();
        try (TestDatabase db = new TestDatabase()) {
            for (String role : List.of("anon", "authenticated")) {
                if (db.query("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'").isEmpty()) {
                    try {
                        TestDatabase.admin("CREATE ROLE " + role + " NOLOGIN");
                        created.add(role);
                    } catch (IllegalStateException alreadyMadeByAnotherTest) {
                        // created concurrently elsewhere: it exists, which is all this test needs
                    }
                }
            }
            try (Connector c = db.open()) {
                assertThat(TestDatabase.sink(c).describe().supabase()).as("roles without the auth schema").isFalse();
                db.sql("CREATE SCHEMA auth", "CREATE TABLE auth.users (id uuid PRIMARY KEY)");
                var info = TestDatabase.sink(c).describe();
                assertThat(info.supabase()).isTrue();
                assertThat(info.tables()).containsKey("auth.users");
            }
        } finally {
            for (String role : created) TestDatabase.admin("DROP ROLE IF EXISTS " + role);
        }
    }
}
