package cutover.connector;

import java.util.Objects;

/**
 * One configuration knob of a connector, declared as data (as Debezium's {@code Field}): its name,
 * what it means, its default, and whether it is a secret that must never be printed.
 */
public record Setting(String name, Type type, String defaultValue, String doc, boolean secret) {
    public enum Type { STRING, INT, BOOLEAN, DURATION, PATH }

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(doc, "doc");
    }

    public static Setting of(String name, Type type, String defaultValue, String doc) {
        return new Setting(name, type, defaultValue, doc, false);
    }

    public static Setting secret(String name, String doc) {
        return new Setting(name, Type.STRING, null, doc, true);
    }
}
