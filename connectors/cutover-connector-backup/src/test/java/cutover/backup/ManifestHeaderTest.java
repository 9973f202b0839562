package cutover.backup;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ManifestHeaderTest {
    @Test
    void readsTheVersionTimeAndSourceOfAWrittenManifest() throws IOException {
        ManifestFile m = new ManifestFile(4, "2026-12-02T10:00:00Z", "host", "postgresql://app@db/app", List.of("nightly"), List.of(),
                10, 5, 5, 1, List.of());
        assertThat(ManifestFile.headerOf(new Json().write(m))).isEqualTo(new ManifestFile.Header(4, "2026-12-02T10:00:00Z", "postgresql://app@db/app"));
    }

    @Test
    void findsTheFieldsInAnyOrderAndSkipsWhatLiesBetween() throws IOException {
        String json = "{\"entities\":[{\"name\":\"t\",\"chunks\":[\"a\",\"b\"],\"nested\":{\"source\":\"not this one\"}}],"
                + "\"source\":\"sqlite:./a.db\",\"tags\":[],\"time\":\"2026-01-01T00:00:00Z\",\"version\":2}";
        assertThat(ManifestFile.headerOf(json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ManifestFile.Header(2, "2026-01-01T00:00:00Z", "sqlite:./a.db"));
    }

    @Test
    void leavesAMissingFieldNull() throws IOException {
        assertThat(ManifestFile.headerOf("{\"version\":1,\"time\":\"2026-01-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ManifestFile.Header(1, "2026-01-01T00:00:00Z", null));
    }
}
