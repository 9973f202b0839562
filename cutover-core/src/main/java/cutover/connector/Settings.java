package cutover.connector;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Settings given to a connector (from the plan, flags or environment), read by name. Immutable. */
public final class Settings {
    public static final Settings EMPTY = new Settings(Map.of());

    private final Map<String, String> values;

    public Settings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Optional<String> get(String name) { return Optional.ofNullable(values.get(name)); }

    public String get(Setting setting) {
        return values.getOrDefault(setting.name(), setting.defaultValue());
    }

    public int getInt(Setting setting) {
        String v = get(setting);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new CutoverException(ErrorCode.SETTING_INVALID,
                    "setting " + setting.name() + " must be a whole number, found '" + v + "'");
        }
    }

    public boolean getBoolean(Setting setting) {
        String v = get(setting);
        if ("true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v)) return Boolean.parseBoolean(v);
        throw new CutoverException(ErrorCode.SETTING_INVALID, "setting " + setting.name() + " must be true or false, found '" + v + "'");
    }

    public Map<String, String> asMap() { return values; }

    public Settings with(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(name, value);
        return new Settings(copy);
    }
}
