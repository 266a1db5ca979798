package io.eventsource.spring;

import java.util.Objects;

/**
 * A setting of the {@code eventsource.*} properties, or of the application's handler beans, that the starter cannot
 * build the runtime with: the message names the property (or the bean and method) and says what was wrong,
 * {@link #action()} what to do. Spring Boot reports it at start-up as a failure analysis.
 */
public class EventsourceConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String action;

    /**
     * @param message what is wrong, naming the property or the bean
     * @param action  what to do about it
     */
    public EventsourceConfigurationException(String message, String action) {
        this(message, action, null);
    }

    /** As {@link #EventsourceConfigurationException(String, String)}, with what caused it. */
    public EventsourceConfigurationException(String message, String action, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.action = Objects.requireNonNull(action, "action");
    }

    /** What to do about it. */
    public String action() {
        return action;
    }
}
