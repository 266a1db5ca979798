package io.eventsource.ports;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.ServiceName;

import java.util.Objects;
import java.util.Optional;

/**
 * An aggregate queue could not be declared for a binding because the broker holds a queue of that name for
 * another binding. Aggregate ids and service names may both hold {@code -}, so two bindings can spell one queue
 * name: {@code Product-x-api} for service {@code legacy} and {@code Product-x} for service {@code api-legacy} are
 * both {@code Product-x-api-legacy}. Sharing the queue would mix two aggregates' events, so the bus refuses the
 * second declaration instead. Retrying does not help: rename a service, or keep such ids and service names apart.
 */
public final class RouteCollisionException extends PermanentPortException {
    private static final long serialVersionUID = 1L;

    /** The queue name both bindings spell. */
    private final String queue;
    /** The binding that asked for the queue. */
    private final transient AggregateRef aggregate;
    private final transient ServiceName service;
    /** The binding the queue belongs to, as the broker described it; null when the broker did not say. */
    private final String holder;

    /**
     * A refused declaration.
     *
     * @param queue     the queue name both bindings spell
     * @param aggregate the aggregate whose route was being declared, or null for the partition queues of a type
     * @param service   the service it was declared for
     * @param holder    the binding the queue belongs to, in words (e.g. {@code Product-x-api for service legacy}),
     *                  or null when the broker did not say
     * @param cause     the client's exception behind it (may be null)
     */
    public RouteCollisionException(String queue, AggregateRef aggregate, ServiceName service, String holder,
                                   Throwable cause) {
        super(message(queue, aggregate, service, holder), cause);
        this.queue = Objects.requireNonNull(queue, "queue");
        this.aggregate = aggregate;
        this.service = service;
        this.holder = holder;
    }

    private static String message(String queue, AggregateRef aggregate, ServiceName service, String holder) {
        String what = aggregate == null ? "Partition queue " + queue + " cannot be declared for service " + service
                : "Aggregate queue " + queue + " cannot be declared for " + aggregate + " for service " + service;
        return what
                + ": it was declared by another binding, "
                + (holder == null ? "which the broker did not name" : holder)
                + ". Both spell the same queue name because aggregate ids and service names may hold '-'; "
                + "rename one of the services (or keep such ids apart): sharing the queue would mix two aggregates' "
                + "events";
    }

    /** The queue name both bindings spell. */
    public String queue() {
        return queue;
    }

    /** The aggregate whose route was refused; null when the partition queues of a type were being declared. */
    public AggregateRef aggregate() {
        return aggregate;
    }

    /** The service the refused route was for. */
    public ServiceName service() {
        return service;
    }

    /** The binding the queue belongs to, in words, when the broker said. */
    public Optional<String> holder() {
        return Optional.ofNullable(holder);
    }
}
