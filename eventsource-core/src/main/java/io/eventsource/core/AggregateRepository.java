package io.eventsource.core;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.Snapshot;
import io.eventsource.ports.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Event-sourced aggregates of one type on a runtime: {@link #load} folds an aggregate's events from the event log
 * through the user's apply function, {@link #save} publishes new events at the version that was loaded, so that
 * they are appended only if nobody else appended meanwhile, and then routed to every listening service like any
 * published event.
 *
 * <pre>{@code
 * AggregateRepository<Order> orders = AggregateRepository.of(eventsource, "Order", Order::initial, Order::apply);
 * Loaded<Order> order = orders.load("7");
 * orders.save(order, EventName.of("OrderPaid"), Payload.json("{\"amount\":1299}"));
 * }</pre>
 *
 * <p>With {@link #withSnapshots} the repository writes the state down every so many events, and a load starts from
 * the latest snapshot and reads only the events after it. A snapshot is a cache of the log: one that is missing,
 * cannot be read, cannot be decoded or is ahead of the log is ignored (and logged), and the load replays the log
 * from the start.
 *
 * <p>The apply function must be a pure function of the state and the event: it runs on every load, also on events
 * it has seen before, and it returns the state unchanged for events it ignores (their sequences still count towards
 * the version). Immutable and thread-safe if the functions it is given are.
 *
 * @param <S> the type of an aggregate's state
 */
public final class AggregateRepository<S> {
    private static final Logger LOG = LoggerFactory.getLogger(AggregateRepository.class);
    /** How many events a load reads from the log at a time, so that a long history is not read in one go. */
    static final int READ_PAGE = 500;

    private final Eventsource runtime;
    private final EventLog log;
    private final AggregateType type;
    private final Supplier<S> initial;
    private final BiFunction<S, Event, S> apply;
    private final Snapshots<S> snapshots;

    private AggregateRepository(Eventsource runtime, AggregateType type, Supplier<S> initial,
                                BiFunction<S, Event, S> apply, Snapshots<S> snapshots) {
        this.runtime = runtime;
        this.log = runtime.eventLog();
        this.type = type;
        this.initial = initial;
        this.apply = apply;
        this.snapshots = snapshots;
    }

    /**
     * A repository of the aggregates of {@code type} on the runtime's event log and publisher, without snapshots.
     *
     * @param initial the state of an aggregate with no events
     * @param apply the state after one more event: {@code (state, event) -> state.apply(event)}
     * @throws NullPointerException if an argument is null
     */
    public static <S> AggregateRepository<S> of(Eventsource runtime, AggregateType type, Supplier<S> initial,
                                                BiFunction<S, Event, S> apply) {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(apply, "apply");
        return new AggregateRepository<>(runtime, type, initial, apply, null);
    }

    /**
     * As {@link #of(Eventsource, AggregateType, Supplier, BiFunction)}, with the type given as text.
     *
     * @throws InvalidValueException if {@code type} is not a valid {@link AggregateType}
     */
    public static <S> AggregateRepository<S> of(Eventsource runtime, String type, Supplier<S> initial,
                                                BiFunction<S, Event, S> apply) {
        return of(runtime, AggregateType.of(type), initial, apply);
    }

    /**
     * This repository, writing a snapshot of an aggregate to {@code store} each time a {@link #save} brings it to or
     * past a multiple of {@code every} events (versions {@code every}, {@code 2 * every}, ...), and loading from the
     * latest snapshot. A snapshot that cannot be written does not fail the save (the events are in the log); it is
     * logged, and loads replay from the previous one.
     *
     * @param every how many events apart snapshots are taken, 1 or more
     * @param encode the state as bytes, with a content type (change the content type when the state's shape changes,
     *               and make {@code decode} refuse what it cannot read)
     * @param decode the state from bytes that {@code encode} wrote; throwing makes a load ignore the snapshot and
     *               replay the log from the start
     * @throws InvalidValueException if {@code every} is below 1
     * @throws NullPointerException if an argument is null
     */
    public AggregateRepository<S> withSnapshots(SnapshotStore store, int every, Function<S, Payload> encode,
                                                Function<Payload, S> decode) {
        return new AggregateRepository<>(runtime, type, initial, apply, new Snapshots<>(store, every, encode, decode));
    }

    /** The aggregate type whose aggregates this repository loads and saves. */
    public AggregateType type() {
        return type;
    }

    /**
     * As {@link #load(AggregateId)}, with the id given as text.
     *
     * @throws InvalidValueException if {@code id} is not a valid {@link AggregateId}
     */
    public Loaded<S> load(String id) {
        return load(AggregateId.of(id));
    }

    /**
     * The aggregate's current state: the latest snapshot if any, then every later event of the log folded through
     * the apply function in sequence order. An aggregate with no events loads as the initial state at version 0.
     *
     * @throws io.eventsource.ports.PortException if the event log cannot be reached
     * @throws InvalidValueException if the initial state or the apply function gives null
     * @throws IllegalStateException if the log hands out events with a hole in their sequences
     */
    public Loaded<S> load(AggregateId id) {
        AggregateRef aggregate = new AggregateRef(type, Objects.requireNonNull(id, "id"));
        Loaded<S> start = fromSnapshot(aggregate).orElseGet(() -> new Loaded<>(aggregate, initialState(aggregate), 0));
        Loaded<S> loaded = replayAfter(start);
        if (loaded.version() == start.version() && start.version() > 0) {
            long logVersion = log.version(aggregate);
            if (logVersion < start.version()) {
                // a snapshot of events the log does not hold (a log emptied, or restored from an older backup)
                LOG.warn("the snapshot of {} at version {} is ahead of the event log (at version {}); loading from"
                        + " the log (delete the snapshots of a log that was emptied or restored)", aggregate,
                        start.version(), logVersion);
                return replayAfter(new Loaded<>(aggregate, initialState(aggregate), 0));
            }
        }
        return loaded;
    }

    /**
     * Publishes the events after {@code loaded}: appended at exactly its version (so only if no other event was
     * appended to the aggregate since it was loaded), then routed to the listening services as
     * {@link Publisher#publish(AggregateRef, ExpectedVersion, List)} does. No events: nothing is written and
     * {@code loaded} is returned as it is.
     *
     * @param loaded the aggregate as loaded (or returned by the previous save), the events were decided on
     * @param events the new events, in the order they happened
     * @return the aggregate after the events: its state with them applied, at the version of the last one
     * @throws io.eventsource.domain.ConcurrencyConflictException if the aggregate is no longer at
     *         {@code loaded.version()}; nothing was written: load it again and decide again
     * @throws InvalidValueException if {@code loaded} is an aggregate of another type
     * @throws EventLogUnavailableException if the log could not be written within the publish deadline; nothing was
     *         written
     * @throws IllegalStateException if the runtime is closed
     */
    public Loaded<S> save(Loaded<S> loaded, List<NewEvent> events) {
        Objects.requireNonNull(loaded, "loaded");
        Objects.requireNonNull(events, "events");
        if (!loaded.aggregate().type().equals(type)) {
            throw new InvalidValueException("this repository saves aggregates of type " + type + ", got "
                    + loaded.aggregate() + "; save it with the repository of " + loaded.aggregate().type());
        }
        if (events.isEmpty()) {
            return loaded;
        }
        Publication publication = runtime.publisher()
                .publish(loaded.aggregate(), ExpectedVersion.exactly(loaded.version()), events);
        Loaded<S> saved = fold(loaded, publication.events());
        if (snapshots != null && snapshots.due(loaded.version(), saved.version())) {
            snapshots.take(saved);
        }
        return saved;
    }

    /**
     * Publishes one event made here after {@code loaded}, as {@link #save(Loaded, List)} does: an id made now
     * ({@link EventId#timeOrdered}), the current trace context as metadata ({@link EventTracing#capture()}), occurred
     * now by the runtime's clock.
     */
    public Loaded<S> save(Loaded<S> loaded, EventName name, Payload payload) {
        Instant now = runtime.scheduler().instant();
        NewEvent event = new NewEvent(EventId.timeOrdered(now), name, payload, runtime.tracing().capture(), now);
        return save(loaded, List.of(event));
    }

    @Override
    public String toString() {
        return "AggregateRepository[" + type + (snapshots == null ? "" : ", snapshots every " + snapshots.every) + "]";
    }

    /** The state from the latest snapshot, unless there is none or it cannot be used. */
    private Optional<Loaded<S>> fromSnapshot(AggregateRef aggregate) {
        if (snapshots == null) {
            return Optional.empty();
        }
        Optional<Snapshot> latest;
        try {
            latest = snapshots.store.latest(aggregate);
        } catch (RuntimeException e) {
            LOG.warn("could not read the snapshot of {}; loading from the event log: {}", aggregate, e.toString());
            return Optional.empty();
        }
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        Snapshot snapshot = latest.get();
        S state;
        try {
            state = snapshots.decode.apply(snapshot.state());
        } catch (RuntimeException e) {
            LOG.warn("could not decode the snapshot of {} at version {} ({}); loading from the event log: {}",
                    aggregate, snapshot.version(), snapshot.state().contentType(), e.toString());
            return Optional.empty();
        }
        if (state == null) {
            LOG.warn("the snapshot of {} at version {} decoded to null; loading from the event log", aggregate,
                    snapshot.version());
            return Optional.empty();
        }
        return Optional.of(new Loaded<>(aggregate, state, snapshot.version()));
    }

    /** {@code start} with every later event of the log folded in, a page at a time. */
    private Loaded<S> replayAfter(Loaded<S> start) {
        Loaded<S> loaded = start;
        while (true) {
            long from = loaded.version() + 1;
            List<Event> page = log.read(loaded.aggregate(), from, from + READ_PAGE - 1);
            loaded = fold(loaded, page);
            if (page.size() < READ_PAGE) {
                return loaded;
            }
        }
    }

    private Loaded<S> fold(Loaded<S> loaded, List<Event> events) {
        S state = loaded.state();
        long version = loaded.version();
        for (Event event : events) {
            if (event.sequence() != version + 1) {
                throw new IllegalStateException("the event log handed out " + event + " after version " + version
                        + " of " + loaded.aggregate() + "; an aggregate's sequences have no holes");
            }
            state = apply.apply(state, event);
            if (state == null) {
                throw new InvalidValueException("the apply function of " + type + " returned null for " + event
                        + "; return the state unchanged for an event it ignores");
            }
            version = event.sequence();
        }
        return new Loaded<>(loaded.aggregate(), state, version);
    }

    private S initialState(AggregateRef aggregate) {
        S state = initial.get();
        if (state == null) {
            throw new InvalidValueException("the initial state of " + type + " is null (loading " + aggregate
                    + "); give the state of an aggregate with no events");
        }
        return state;
    }

    /** Where, how often and how to write down the state. */
    private static final class Snapshots<S> {
        private final SnapshotStore store;
        private final int every;
        private final Function<S, Payload> encode;
        private final Function<Payload, S> decode;

        Snapshots(SnapshotStore store, int every, Function<S, Payload> encode, Function<Payload, S> decode) {
            this.store = Objects.requireNonNull(store, "store");
            this.encode = Objects.requireNonNull(encode, "encode");
            this.decode = Objects.requireNonNull(decode, "decode");
            if (every < 1) {
                throw new InvalidValueException("snapshots are taken every 1 or more events, got every " + every);
            }
            this.every = every;
        }

        /** Whether a save from {@code before} to {@code after} reached or passed a multiple of {@link #every}. */
        boolean due(long before, long after) {
            return after / every > before / every;
        }

        void take(Loaded<S> saved) {
            try {
                Payload state = Objects.requireNonNull(encode.apply(saved.state()), "the encoded state");
                store.save(new Snapshot(saved.aggregate(), saved.version(), state));
            } catch (RuntimeException e) {
                // the events are in the log: a missing snapshot costs a longer load, never a lost event
                LOG.warn("could not write the snapshot of {} at version {}; loads replay from the previous one: {}",
                        saved.aggregate(), saved.version(), e.toString());
            }
        }
    }
}
