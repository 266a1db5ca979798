package io.eventsource.ports;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The acks table: one {@link Ack} per (event, service, projection), recording how each binding's
 * handling of each event ended. Writes follow the domain's ack rules ({@link Ack#mergedWith}): ok is
 * final, a fail may become ok, attempts add up. An ack is kept exactly as recorded, its time to the nanosecond
 * (and {@link #failures} orders by it to the nanosecond). The TCK's {@code AckStoreContract},
 * {@code AckStoreFailuresContract} and {@code AckStoreConnectionFailuresContract} check this.
 *
 * <p>Implementations are thread-safe and may batch writes from many callers into one transaction.
 */
public interface AckStore extends AutoCloseable {

    /**
     * Records the acks, each merged with the ack already stored under its key. The returned stage
     * completes once every one of them is durable (so the broker message may be acknowledged), or
     * completes exceptionally with a {@link PortException} if they could not be stored: a
     * {@link TransientPortException} when the store cannot be reached, a {@link PermanentPortException} when it
     * refuses them for good.
     *
     * <p>A record that fails, however it fails (thrown by this method or through the stage), changes no ack to ok:
     * each of its acks stands as it stood before the call, ok only if it was ok before. A store that writes a call's
     * acks in several steps writes them in one transaction, or checks every ack before it writes the first.
     *
     * @throws InvalidValueException if an ack holds a value the store cannot hold exactly (such as a time outside
     *         its range); then none of the call's acks is recorded
     */
    CompletionStage<Void> record(Collection<Ack> acks);

    /**
     * The stored acks among the given keys (absent keys have none).
     *
     * @throws PortException if the store cannot be reached
     */
    Map<AckKey, Ack> find(Collection<AckKey> keys);

    /**
     * The highest sequence of the aggregate that the binding (service, projection) has an ack for, ok or
     * fail; 0 if none.
     *
     * @throws PortException if the store cannot be reached
     */
    long lastSequence(ServiceName service, Projection projection, AggregateRef aggregate);

    /**
     * For each binding, {@link #lastSequence} on the aggregate, in one read: what a consumer that starts on an
     * aggregate needs to know of every binding of its service before its first event. Every binding given is a key of
     * the result (0 for one with no ack of the aggregate). Implementations answer with one round trip; this default
     * asks {@link #lastSequence} once per binding.
     *
     * @throws InvalidValueException if a binding is of another aggregate type than {@code aggregate}
     * @throws PortException if the store cannot be reached
     */
    default Map<Binding, Long> lastSequences(Collection<Binding> bindings, AggregateRef aggregate) {
        requireTypeOf(aggregate, bindings);
        Map<Binding, Long> last = new LinkedHashMap<>();
        for (Binding binding : bindings) {
            last.put(binding, lastSequence(binding.service(), binding.projection(), aggregate));
        }
        return last;
    }

    /**
     * {@link #lastSequences} for several aggregates of the bindings' type, in one read: what the consumers of a
     * partition need when many of its aggregates start at once. Every aggregate given is a key of the result, and
     * each maps every binding given to its last sequence there (0 for none). Implementations answer with one round
     * trip per chunk of aggregates; this default asks {@link #lastSequences} once per aggregate.
     *
     * @throws InvalidValueException if a binding is of another aggregate type than one of the aggregates
     * @throws PortException if the store cannot be reached
     */
    default Map<AggregateRef, Map<Binding, Long>> lastSequencesAll(Collection<Binding> bindings,
                                                                   Collection<AggregateRef> aggregates) {
        Map<AggregateRef, Map<Binding, Long>> last = new LinkedHashMap<>();
        for (AggregateRef aggregate : aggregates) {
            last.put(aggregate, lastSequences(bindings, aggregate));
        }
        return last;
    }

    /**
     * Checks that every binding is of the aggregate's type, as {@link #lastSequences} requires.
     *
     * @throws InvalidValueException if one is not
     */
    static void requireTypeOf(AggregateRef aggregate, Collection<Binding> bindings) {
        for (Binding binding : bindings) {
            if (!binding.type().equals(aggregate.type())) {
                throw new InvalidValueException("lastSequences reads the bindings of the aggregate's type " + aggregate.type()
                        + "; binding " + binding + " is of " + binding.type());
            }
        }
    }

    /**
     * The events among {@code events} that the binding has any ack for, so that a sweeper can find the
     * ones it has none for.
     *
     * @throws PortException if the store cannot be reached
     */
    Set<EventId> acknowledged(ServiceName service, Projection projection, Collection<EventId> events);

    /**
     * Deletes the binding's acks of the events (ok or fail; absent ones are ignored): a replay or a reset makes the
     * binding owe them again, so that the next copy of each is handled as if it had never been. The other bindings'
     * acks of the events are untouched.
     *
     * @throws PortException if the store cannot be reached; then some of them may have been deleted
     */
    void forget(Binding binding, Collection<EventId> events);

    /**
     * Up to {@code limit} acks of the binding whose status is fail, oldest first, for replay.
     *
     * @throws PortException if the store cannot be reached
     */
    List<Ack> failures(ServiceName service, Projection projection, int limit);

    /** Flushes pending writes and releases resources. Never throws. */
    @Override
    default void close() {
    }
}
