package io.eventsource.ports;

/**
 * A failure that retrying will not cure: wrong credentials, a missing permission, a schema that does
 * not match, a value the store cannot hold. Callers report it and do not retry.
 */
public class PermanentPortException extends PortException {
    private static final long serialVersionUID = 1L;

    /**
     * A permanent failure of the infrastructure, said in the port's words.
     *
     * @param message what failed, such as the port operation and the aggregate or key it was for
     * @param cause the client's exception behind it, kept for diagnosis (may be null)
     */
    public PermanentPortException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A permanent failure that the adapter found itself, with no client exception behind it. */
    public PermanentPortException(String message) {
        super(message, null);
    }

    @Override
    public final boolean isTransient() {
        return false;
    }
}
