package io.eventsource.ports;

/**
 * A failure that retrying will not cure: wrong credentials, a missing permission, a schema that does
 * not match, a value the store cannot hold. Callers report it and do not retry.
 */
public class PermanentPortException extends PortException {
    private static final long serialVersionUID = 1L;

    public PermanentPortException(String message, Throwable cause) {
        super(message, cause);
    }

    public PermanentPortException(String message) {
        super(message, null);
    }

    @Override
    public final boolean isTransient() {
        return false;
    }
}
