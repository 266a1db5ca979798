package io.eventsource.domain;

/**
 * A service asked to bind a projection to an aggregate type it already binds: the seed allows one
 * binding per (aggregate type, projection) per service. Attach more handlers to the existing binding instead.
 */
public final class DuplicateBindingException extends EventsourceException {
    private static final long serialVersionUID = 1L;
    private final transient Binding binding;

    /** The refusal of {@code binding}, with a message naming its service, aggregate type and projection. */
    public DuplicateBindingException(Binding binding) {
        super("service \"" + binding.service().value() + "\" already binds projection \""
                + binding.projection().value() + "\" to aggregate type \"" + binding.type().value()
                + "\"; a service may bind each (aggregate type, projection) once: attach further handlers"
                + " to the existing binding");
        this.binding = binding;
    }

    /** The refused binding. */
    public Binding binding() {
        return binding;
    }
}
