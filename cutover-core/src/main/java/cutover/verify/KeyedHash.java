package cutover.verify;

import cutover.model.Key;

/** A row's key and the hash its side's digest gave it. */
public record KeyedHash(Key key, long hash) {}
