/**
 * The eventsource runtime.
 *
 * <p>{@link io.eventsource.core.Eventsource} is built from the ports with
 * {@link io.eventsource.core.Eventsource#builder()} (or provided by
 * {@link io.eventsource.core.EventsourceModule} in a Dagger component). Producers take its
 * {@link io.eventsource.core.Publisher}; each service takes its {@link io.eventsource.core.Listener},
 * binds projections with {@link io.eventsource.core.Listener#listen}, attaches
 * {@link io.eventsource.core.EventHandler handlers} to the returned
 * {@link io.eventsource.core.ProjectionBinding} and starts it. With an {@link io.eventsource.ports.EventSerializer}
 * bound, events may also be typed: records published as they are and handled as their class
 * ({@link io.eventsource.core.TypedEventHandler}). An {@link io.eventsource.core.AggregateRepository} loads
 * event-sourced aggregates from the log (optionally from a snapshot) and saves their new events through the publisher
 * at the version it loaded. {@link io.eventsource.core.SystemScheduler} is the real-time
 * {@link io.eventsource.ports.Scheduler} for real compositions, bound in a Dagger component by
 * {@link io.eventsource.core.RealTimeModule}.
 *
 * <p>Guarantees, per (service, projection) binding: the events of one aggregate are handled in sequence
 * order, one at a time, also across instances of a service; an event acked ok is not handed to that binding
 * again; a sequence gap is filled from the event log before the later event is handled; a failing handler is
 * retried with backoff and then recorded as failed, and either the aggregate's next event follows or, with the
 * park option, the aggregate waits for that binding ({@link io.eventsource.core.FailurePolicy}); failed events
 * can be replayed ({@link io.eventsource.core.ProjectionBinding#replayFailures}); the broker
 * message is acknowledged only after its acks are durable; a sweeper re-drives, past a grace period, the events
 * that a binding has no ack for ({@link io.eventsource.core.SweepPolicy}). Time is read only through the
 * {@link io.eventsource.ports.Scheduler}.
 */
package io.eventsource.core;
