package cutover.postgres;

import cutover.connector.Location;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgLocationTest {
    @Test
    void takesTheLocationApartAndKeepsCredentialsOutOfTheUrl() {
        PgLocation l = PgLocation.parse(Location.parse("postgresql://app:s%40cr%3At@db.example.com:6543/shop?schema=sales&sslmode=require"));
        assertThat(l.host()).isEqualTo("db.example.com");
        assertThat(l.port()).isEqualTo(6543);
        assertThat(l.database()).isEqualTo("shop");
        assertThat(l.user()).isEqualTo("app");
        assertThat(l.password()).isEqualTo("s@cr:t");
        assertThat(l.schemaAsWritten()).isEqualTo("sales");
        assertThat(l.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/shop?sslmode=require");
        assertThat(l.toString()).doesNotContain("s%40cr").contains("***");
    }

    @Test
    void defaultsPortAndHasNoSchemaUnlessGiven() {
        PgLocation l = PgLocation.parse(Location.parse("postgres://postgres@localhost/app"));
        assertThat(l.port()).isEqualTo(5432);
        assertThat(l.schemaAsWritten()).isNull();
        assertThat(l.password()).isNull();
        assertThat(l.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/app");
    }

    @Test
    void aLoopbackHostIsThisMachineAndNoOtherIs() {
        for (String local : new String[] {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "[::1]", "[0:0:0:0:0:0:0:1]"}) {
            assertThat(PgLocation.parse(Location.parse("postgresql://u@" + local + ":5432/db")).onThisMachine()).as(local).isTrue();
        }
        assertThat(PgLocation.parse(Location.parse("postgresql://u@/db")).onThisMachine()).as("no host: localhost").isTrue();
        for (String remote : new String[] {"db.example.com", "10.0.0.5", "127.example.com", "1127.0.0.1", "[2001:db8::1]", "localhost.example.com"}) {
            assertThat(PgLocation.parse(Location.parse("postgresql://u@" + remote + ":5432/db")).onThisMachine()).as(remote).isFalse();
        }
        assertThat(PostgresProvider.onThisMachine(Location.parse("postgres://u@127.0.0.1/db"))).isTrue();
        assertThat(PostgresProvider.onThisMachine(Location.parse("sqlite:./local.db"))).isFalse();
    }

    @Test
    void ipv6Host() {
        PgLocation l = PgLocation.parse(Location.parse("postgresql://u@[::1]:5433/db"));
        assertThat(l.host()).isEqualTo("[::1]");
        assertThat(l.port()).isEqualTo(5433);
    }

    @Test
    void refusesALocationWithoutDatabaseOrWithABadPort() {
        assertThatThrownBy(() -> PgLocation.parse(Location.parse("postgresql://u:pw@host:5432")))
                .isInstanceOf(CutoverException.class).hasMessageContaining("names no database").hasMessageNotContaining("pw@")
                .satisfies(e -> assertThat(((CutoverException) e).code()).isEqualTo(ErrorCode.LOCATION_INVALID));
        assertThatThrownBy(() -> PgLocation.parse(Location.parse("postgresql://u@host:99999/db")))
                .isInstanceOf(CutoverException.class).hasMessageContaining("port '99999'");
    }

    @Test
    void aListOfSchemasIsASetWhoseEachSchemaIsNamedWhereTheListStood() {
        Location set = Location.parse("postgresql://app:pw@db/shop?sslmode=require&schema=auth,public&connectTimeout=5");
        assertThat(PgLocation.schemas(set, "auth,public", true)).containsExactly("auth", "public");
        assertThat(PgLocation.schemas(set, "a%2Cb,My%20Schema", true)).containsExactly("a,b", "My Schema"); // a comma of a name is written encoded
        // a password holding a '?': the query is after the path
        assertThat(PgLocation.naming(Location.parse("postgresql://u:p?ss@db/app?schema=auth,public"), "auth").raw()).isEqualTo("postgresql://u:p?ss@db/app?schema=auth");
        // a backup of one schema of the set records what a backup of that schema alone is given: they build on each other
        assertThat(PgLocation.naming(set, "auth").raw()).isEqualTo("postgresql://app:pw@db/shop?sslmode=require&schema=auth&connectTimeout=5");
        assertThat(PgLocation.naming(Location.parse("postgresql://db/shop"), "App Schema").raw()).isEqualTo("postgresql://db/shop?schema=App%20Schema");
        assertThat(PgLocation.naming(Location.parse("postgresql://db/shop?sslmode=require"), "auth").raw()).isEqualTo("postgresql://db/shop?sslmode=require&schema=auth");
        assertThatThrownBy(() -> PgLocation.schemas(set, "auth,,public", true)).hasMessageContaining("an empty name");
        assertThatThrownBy(() -> PgLocation.schemas(set, "auth,auth", true)).hasMessageContaining("names auth twice");
        assertThatThrownBy(() -> PgLocation.parse(Location.parse("postgresql://db/app?schema=auth&schema=public"))).hasMessageContaining("names schema twice");
    }
}
