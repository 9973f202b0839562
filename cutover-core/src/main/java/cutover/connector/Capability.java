package cutover.connector;

/** Marker for what a connector can do: {@link Source}, {@link Sink}. A command asks only for what it needs. */
public interface Capability {}
