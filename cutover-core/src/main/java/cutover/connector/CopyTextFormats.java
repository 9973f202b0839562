package cutover.connector;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link CopyTextFormat}s found on the class path by name, each loaded once: implementations are stateless, so one serves every caller. */
final class CopyTextFormats {
    private static final Map<String, CopyTextFormat> FOUND = new ConcurrentHashMap<>();

    private CopyTextFormats() {}

    static Optional<CopyTextFormat> named(String name) {
        CopyTextFormat found = FOUND.get(name);
        if (found != null) return Optional.of(found);
        Optional<CopyTextFormat> loaded = ServiceLoader.load(CopyTextFormat.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals(name)).findFirst();
        loaded.ifPresent(f -> FOUND.putIfAbsent(name, f));
        return loaded;
    }
}
