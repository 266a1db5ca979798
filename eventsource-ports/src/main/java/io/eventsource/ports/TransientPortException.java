package io.eventsource.ports;

/**
 * A failure that a retry may cure: a connection refused or dropped, a timeout, a deadlock, a server
 * restarting. Callers retry with backoff.
 */
public class TransientPortException extends PortException {
    private static final long serialVersionUID = 1L;

    public TransientPortException(String message, Throwable cause) {
        super(message, cause);
    }

    public TransientPortException(String message) {
        super(message, null);
    }

    @Override
    public final boolean isTransient() {
        return true;
    }
}
