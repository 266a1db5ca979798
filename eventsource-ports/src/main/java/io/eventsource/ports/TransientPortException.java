package io.eventsource.ports;

/**
 * A failure that a retry may cure: a connection refused or dropped, a timeout, a deadlock, a server
 * restarting. Callers retry with backoff.
 */
public class TransientPortException extends PortException {
    private static final long serialVersionUID = 1L;

    /**
     * A transient failure of the infrastructure, said in the port's words.
     *
     * @param message what failed, such as the port operation and the aggregate or key it was for
     * @param cause the client's exception behind it, kept for diagnosis (may be null)
     */
    public TransientPortException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A transient failure that the adapter found itself, with no client exception behind it. */
    public TransientPortException(String message) {
        super(message, null);
    }

    @Override
    public final boolean isTransient() {
        return true;
    }
}
