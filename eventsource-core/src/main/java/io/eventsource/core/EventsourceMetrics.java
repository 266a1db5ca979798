package io.eventsource.core;

import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ServiceName;

import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * What the runtime reports as it works, one call per stage: publishes, route declarations, the relay's backlog,
 * deliveries, handlers, retries, acks, parking, the sweeper's re-drives, each binding's lag, refused messages and active
 * consumers. Give
 * one to {@link EventsourceBuilder#metrics} or bind one in a Dagger component ({@code MicrometerModule} of
 * {@code eventsource-micrometer} binds one on a Micrometer {@code MeterRegistry}); without, {@link #NONE}.
 *
 * <p>Every method has a default that does nothing, so an implementation reports what it cares about. The runtime
 * calls them on its own threads, from hot paths (once per publish call, per delivery, per handler run): an
 * implementation is thread-safe, returns quickly, and never throws. Durations are read from the runtime's
 * {@link io.eventsource.ports.Scheduler} clock, so on a virtual clock they are virtual time.
 */
public interface EventsourceMetrics {

    /** Reports nothing: the runtime's default. */
    EventsourceMetrics NONE = new EventsourceMetrics() {
    };

    /**
     * A publish call completed with a {@link Publication}: {@code sent} when its events went to the broker
     * ({@link Publication.Sent}), else they were appended and left to the relay ({@link Publication.Pending}). A call
     * that threw (nothing appended, a refused expected version) is not reported.
     *
     * @param events how many events the call appended
     * @param latencyNanos from the call to its completion, on the runtime's clock
     */
    default void published(AggregateType type, int events, boolean sent, long latencyNanos) {
    }

    /** The route of an aggregate of {@code type} (its exchange, queues and bindings) was declared on the broker. */
    default void routeDeclared(AggregateType type) {
    }

    /**
     * The route of an aggregate of {@code type}, declared before, was renewed on the broker: its queues' expiry
     * restarted, nothing declared.
     */
    default void routeRenewed(AggregateType type) {
    }

    /**
     * A run of the relay, as the holder of the namespace's relay lease, ended.
     *
     * @param backlog the unpublished events past the grace period that the run found and left unpublished
     * @param oldestAge how long ago the oldest of them occurred; zero when none is left
     */
    default void relayRan(long backlog, Duration oldestAge) {
    }

    /** A listener of {@code service} received a message from an aggregate queue of {@code type}. */
    default void delivered(ServiceName service, AggregateType type) {
    }

    /**
     * A handler of the binding ran once (one attempt), successfully or not.
     *
     * @param durationNanos how long it ran, on the runtime's clock
     */
    default void handled(Binding binding, long durationNanos) {
    }

    /** A handler of the binding failed and is retried after a backoff ({@link FailurePolicy}). */
    default void retried(Binding binding) {
    }

    /** The binding's ack of an event, ok or fail, was recorded durably in the ack store. */
    default void acked(Binding binding, boolean ok) {
    }

    /**
     * A failed ack was recorded under {@link FailurePolicy.Exhausted#PARK}: the binding parks the event's aggregate
     * until the failed event is replayed successfully.
     */
    default void parked(Binding binding) {
    }

    /** The sweeper of {@code service} re-drove an aggregate of {@code type} that a binding had no ack for. */
    default void redriven(ServiceName service, AggregateType type) {
    }

    /**
     * A listener of {@code service} dropped a message of a queue of {@code type} unhandled (not an event of the log,
     * or out of tries); the count that {@link Listener#refusedDeliveries()} also gives.
     */
    default void refused(ServiceName service, AggregateType type) {
    }

    /**
     * The binding's lag, as the sweeper of its listener measured it with {@link LagReader} after a run (every
     * {@link SweepPolicy#interval()}); reported only when metrics are given.
     *
     * @param events           the newest log position of the binding's type minus its checkpoint ({@link BindingLag#events()})
     * @param oldestUnackedAge how long ago the oldest event after the checkpoint that the binding has no ack for
     *                         occurred; zero when there is none
     */
    default void lag(Binding binding, long events, Duration oldestUnackedAge) {
    }

    /**
     * A listener of {@code service} started: {@code active} tells, whenever asked, how many aggregate queues it
     * consumes now. A later listener of the same service replaces the supplier.
     */
    default void consumers(ServiceName service, IntSupplier active) {
    }
}
