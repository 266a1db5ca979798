package io.eventsource.ports;

/**
 * An infrastructure failure behind a port (broker, registry, database). The only way such a failure
 * crosses a port: the library's own exceptions never leak.
 */
public abstract class PortException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure behind a port.
     *
     * @param message what failed, in the port's words
     * @param cause the client's exception behind it, kept for diagnosis (may be null)
     */
    protected PortException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether retrying the same call later may succeed. */
    public abstract boolean isTransient();
}
