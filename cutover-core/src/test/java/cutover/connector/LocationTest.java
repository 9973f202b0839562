package cutover.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cutover.error.CutoverException;
import org.junit.jupiter.api.Test;

class LocationTest {
    @Test
    void passwordsNeverShow() {
        Location l = Location.parse("postgresql://app:s3cr3t@db.example.com:5432/prod?sslmode=require&password=other");
        assertThat(l.toString()).doesNotContain("s3cr3t").doesNotContain("other").contains("app:***@").contains("sslmode=require");
        assertThat(l.raw()).contains("s3cr3t");
    }

    @Test
    void secretsCanBeLeftOutOfAKeptFile() {
        assertThat(Location.withoutSecrets("postgresql://app:s3cr3t@h:5432/db")).isEqualTo("postgresql://app@h:5432/db");
        assertThat(Location.withoutSecrets("postgresql://app@h/db?password=x&sslmode=require")).isEqualTo("postgresql://app@h/db?sslmode=require");
        assertThat(Location.withoutSecrets("postgresql://app@h/db?sslmode=require&token=x")).isEqualTo("postgresql://app@h/db?sslmode=require");
        assertThat(Location.hasSecrets("firestore-export:./dump.json")).isFalse();
        assertThat(Location.hasSecrets("postgresql://app:pw@h/db")).isTrue();
    }

    @Test
    void aLocationNeedsAScheme() {
        assertThatThrownBy(() -> Location.parse("./dump.json")).isInstanceOf(CutoverException.class).hasMessageContaining("scheme:address");
        assertThat(Location.parse("SQLite:app.db").scheme()).isEqualTo("sqlite");
    }
}
