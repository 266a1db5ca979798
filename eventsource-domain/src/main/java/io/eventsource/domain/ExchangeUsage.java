package io.eventsource.domain;

/**
 * The bindings of an exchange, to judge auto-deletion: an auto-delete exchange is deleted when its last
 * bound queue goes (an exchange that never had a queue stays). Immutable.
 *
 * @param autoDelete whether the exchange is auto-delete (aggregate exchanges are; announcement exchanges are not)
 * @param boundQueues how many queues are bound to it now
 */
public record ExchangeUsage(boolean autoDelete, int boundQueues) {
    /**
     * A usage as the broker would report it.
     *
     * @throws InvalidValueException if {@code boundQueues} is negative
     */
    public ExchangeUsage {
        if (boundQueues < 0) {
            throw new InvalidValueException("ExchangeUsage boundQueues must be 0 or more, got " + boundQueues);
        }
    }

    /**
     * An exchange just declared, with no queue bound yet: even an auto-delete one stays until a queue has been
     * bound and unbound again.
     */
    public static ExchangeUsage declared(boolean autoDelete) {
        return new ExchangeUsage(autoDelete, 0);
    }

    /** The usage after one more queue is bound to the exchange. */
    public ExchangeUsage queueBound() {
        return new ExchangeUsage(autoDelete, boundQueues + 1);
    }

    /**
     * The usage after one bound queue goes (unbound or deleted); see {@link #deletedAfterUnbind()}.
     *
     * @throws IllegalStateException if no queue is bound
     */
    public ExchangeUsage queueUnbound() {
        if (boundQueues == 0) {
            throw new IllegalStateException("no queue bound");
        }
        return new ExchangeUsage(autoDelete, boundQueues - 1);
    }

    /** Whether losing a binding that left this usage deletes the exchange. */
    public boolean deletedAfterUnbind() {
        return autoDelete && boundQueues == 0;
    }
}
