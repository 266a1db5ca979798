package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.PayloadLimit;
import io.eventsource.ports.Append;
import io.eventsource.ports.AppendOutcome;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.TransientPortException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * Appends, then routes and publishes, in batches: calls made while a batch is in flight gather into the next one,
 * which costs one append transaction, one wait for the broker's confirms, one announcement per aggregate and one
 * mark of what was published, whatever its size. One batch is in flight at a time, so that the events of an
 * aggregate are appended and published in the order of the calls. A broker failure after the append leaves the
 * events to the relay. Transient failures are retried until each call's deadline: the append (a retried append that
 * was written after all is recognised by the log from the events' ids), then the send.
 *
 * <p>{@link #publish} runs its batch on the caller's thread when nothing is in flight (so that a single caller, or
 * a test on a virtual clock, needs no other thread); {@link #publishAsync} hands its batch to the scheduler, so that
 * one thread calling it in a loop fills batches while the previous one is in flight.
 */
final class RoutingPublisher implements Publisher {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingPublisher.class);
    /** The first retry's backoff; it doubles per retry up to {@link #MAX_BACKOFF}, each with up to half again of jitter. */
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final EventLog log;
    private final Router router;
    private final Scheduler scheduler;
    private final BooleanSupplier closed;
    private final Duration deadline;
    private final int batchSize;
    private final Duration linger;
    private final PayloadLimit payloadLimit;
    private final Deque<Call> waiting = new ArrayDeque<>();
    private boolean inFlight;

    RoutingPublisher(EventLog log, Router router, Scheduler scheduler, BooleanSupplier closed,
                     EventsourceOptions options) {
        this.log = log;
        this.router = router;
        this.scheduler = scheduler;
        this.closed = closed;
        this.deadline = options.publishDeadline();
        this.batchSize = options.publishBatchSize();
        this.linger = options.publishLinger();
        this.payloadLimit = options.payloadLimit();
    }

    @Override
    public CompletionStage<Publication> publishAsync(AggregateRef aggregate, ExpectedVersion expected,
                                                     List<NewEvent> events) {
        Call call = call(aggregate, expected, events);
        boolean start;
        synchronized (this) {
            waiting.add(call);
            start = !inFlight;
            inFlight = true;
        }
        if (start) {
            scheduler.schedule(linger, this::next);
        }
        return call.result;
    }

    @Override
    public Publication publish(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
        Call call = call(aggregate, expected, events);
        boolean here;
        synchronized (this) {
            here = !inFlight && waiting.isEmpty();
            if (here) {
                inFlight = true;
            } else {
                waiting.add(call);
            }
        }
        if (here) {
            new Batch(List.of(call)).start();
        }
        try {
            return call.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public Publication publish(AggregateRef aggregate, EventName name, Payload payload) {
        return publish(aggregate, ExpectedVersion.ANY, List.of(madeHere(name, payload)));
    }

    @Override
    public CompletionStage<Publication> publishAsync(AggregateRef aggregate, EventName name, Payload payload) {
        return publishAsync(aggregate, ExpectedVersion.ANY, List.of(madeHere(name, payload)));
    }

    private NewEvent madeHere(EventName name, Payload payload) {
        return new NewEvent(EventId.random(), name, payload, Map.of(), scheduler.instant());
    }

    private Call call(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            throw new IllegalArgumentException("publish needs at least one event for " + aggregate);
        }
        for (NewEvent event : events) {
            Objects.requireNonNull(event, "events must not contain null");
            payloadLimit.check(aggregate, event, "EventsourceOptions.payloadLimit");
        }
        if (closed.getAsBoolean()) {
            throw new IllegalStateException("this eventsource runtime is closed; nothing was appended to " + aggregate);
        }
        return new Call(new Append(aggregate, expected, events), scheduler.instant().plus(deadline));
    }

    /** Starts the next batch of the calls that gathered meanwhile, or ends the flight if none did. Never throws. */
    private void next() {
        List<Call> batch = new ArrayList<>();
        synchronized (this) {
            while (batch.size() < batchSize && !waiting.isEmpty()) {
                batch.add(waiting.poll());
            }
            if (batch.isEmpty()) {
                inFlight = false;
                return;
            }
        }
        try {
            new Batch(batch).start();
        } catch (RuntimeException | Error e) {
            batch.forEach(call -> call.result.completeExceptionally(e));
            finished();
        }
    }

    /** A batch is done: the calls that gathered meanwhile go next, on the scheduler. */
    private void finished() {
        boolean more;
        synchronized (this) {
            more = !waiting.isEmpty();
            if (!more) {
                inFlight = false;
            }
        }
        if (more) {
            scheduler.schedule(Duration.ZERO, this::next);
        }
    }

    /** One publish call: its append, its deadline, its result. */
    private static final class Call {
        private final Append append;
        private final Instant giveUpAt;
        private final CompletableFuture<Publication> result = new CompletableFuture<>();
        private List<Event> appended;

        Call(Append append, Instant giveUpAt) {
            this.append = append;
            this.giveUpAt = giveUpAt;
        }
    }

    /** One batch's way through its tries: the append of every call, then the send of what was appended. */
    private final class Batch {
        private final List<Call> calls;

        Batch(List<Call> calls) {
            this.calls = calls;
        }

        void start() {
            append(1);
        }

        private void append(int attempt) {
            List<Call> open = new ArrayList<>();
            List<Append> appends = new ArrayList<>();
            for (Call call : calls) {
                if (!call.result.isDone() && call.appended == null) {
                    open.add(call);
                    appends.add(call.append);
                }
            }
            List<AppendOutcome> outcomes;
            try {
                outcomes = log.appendAll(appends);
            } catch (TransientPortException e) {
                Instant retryAt = scheduler.instant().plus(backoff(attempt));
                for (Call call : open) {
                    if (retryAt.isAfter(call.giveUpAt)) {
                        call.result.completeExceptionally(new EventLogUnavailableException(call.append.aggregate(),
                                call.append.events().size(), deadline, e));
                    }
                }
                if (open.stream().anyMatch(call -> !call.result.isDone())) {
                    LOG.debug("could not append a batch of {} call(s) (try {}); trying again: {}", open.size(),
                            attempt, e.toString());
                    retry(attempt, () -> append(attempt + 1));
                } else {
                    send(1);
                }
                return;
            } catch (RuntimeException e) {
                open.forEach(call -> call.result.completeExceptionally(e));
                send(1);
                return;
            }
            for (int i = 0; i < open.size(); i++) {
                AppendOutcome outcome = outcomes.get(i);
                Call call = open.get(i);
                if (outcome instanceof AppendOutcome.Appended appended) {
                    List<Event> events = new ArrayList<>(appended.events().size());
                    for (LoggedEvent entry : appended.events()) {
                        events.add(entry.event());
                    }
                    call.appended = List.copyOf(events);
                } else {
                    call.result.completeExceptionally(((AppendOutcome.Refused) outcome).reason());
                }
            }
            send(1);
        }

        private void send(int attempt) {
            Map<AggregateRef, List<Event>> byAggregate = new LinkedHashMap<>();
            // a call retried while its first try was in the batch got the same events back: send them once
            Set<EventId> sending = new HashSet<>();
            Instant giveUpAt = null;
            for (Call call : calls) {
                if (call.appended != null && !call.result.isDone()) {
                    List<Event> events = byAggregate.computeIfAbsent(call.append.aggregate(), a -> new ArrayList<>());
                    call.appended.stream().filter(event -> sending.add(event.id())).forEach(events::add);
                    giveUpAt = giveUpAt == null || call.giveUpAt.isBefore(giveUpAt) ? call.giveUpAt : giveUpAt;
                }
            }
            if (byAggregate.isEmpty()) {
                finished();
                return;
            }
            try {
                Map<AggregateRef, Router.Outcome> outcomes = router.sendAll(byAggregate);
                for (Call call : calls) {
                    if (call.appended == null || call.result.isDone()) {
                        continue;
                    }
                    if (outcomes.get(call.append.aggregate()) == Router.Outcome.SENT) {
                        call.result.complete(new Publication.Sent(call.appended));
                    } else {
                        LOG.warn("appended {} event(s) to {}, but the registry names no live service of {}; they"
                                        + " stay unpublished and the relay sends them once a service heart-beats",
                                call.appended.size(), call.append.aggregate(), call.append.aggregate().type());
                        call.result.complete(new Publication.Pending(call.appended, "no live service of "
                                + call.append.aggregate().type() + " in the registry"));
                    }
                }
            } catch (TransientPortException e) {
                if (!closed.getAsBoolean() && !scheduler.instant().plus(backoff(attempt)).isAfter(giveUpAt)) {
                    LOG.debug("could not publish a batch of {} aggregate(s) (try {}); trying again: {}",
                            byAggregate.size(), attempt, e.toString());
                    retry(attempt, () -> send(attempt + 1));
                    return;
                }
                pending(byAggregate.size(), e);
            } catch (RuntimeException e) {
                pending(byAggregate.size(), e);
            }
            finished();
        }

        private void pending(int aggregates, RuntimeException e) {
            // the appends stand: the log is the outbox, and the relay publishes what is left in it
            LOG.warn("appended the events of {} aggregate(s) but could not publish them now; the relay will: {}",
                    aggregates, e.toString());
            for (Call call : calls) {
                if (call.appended != null && !call.result.isDone()) {
                    call.result.complete(new Publication.Pending(call.appended, String.valueOf(e)));
                }
            }
        }

        private void retry(int attempt, Runnable next) {
            scheduler.schedule(backoff(attempt), () -> {
                try {
                    next.run();
                } catch (RuntimeException | Error e) {
                    calls.forEach(call -> call.result.completeExceptionally(e));
                    finished();
                }
            });
        }

        /**
         * Doubling from {@link #FIRST_BACKOFF} up to {@link #MAX_BACKOFF}, plus up to half again of jitter. The
         * jitter comes from the batch's first aggregate and the try, not a random source, so that a run on the
         * virtual clock replays exactly, while publishers of different aggregates still spread out.
         */
        private Duration backoff(int attempt) {
            long base = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 10));
            long jitter = Math.floorMod(31L * calls.get(0).append.aggregate().hashCode() + attempt, base / 2 + 1);
            return Duration.ofMillis(base + jitter);
        }
    }
}
