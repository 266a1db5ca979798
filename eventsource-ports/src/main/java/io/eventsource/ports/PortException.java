package io.eventsource.ports;

/**
 * An infrastructure failure behind a port (broker, registry, database). The only way such a failure
 * crosses a port: the library's own exceptions never leak.
 */
public abstract class PortException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected PortException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether retrying the same call later may succeed. */
    public abstract boolean isTransient();
}
