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
import java.util.Collections;
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
import java.util.function.Consumer;

/**
 * Appends, then routes and publishes, in batches: calls made while a batch is in flight gather into the next one,
 * which costs one append transaction, one wait for the broker's confirms, one announcement per aggregate and a
 * share of one mark of what was published (marked in the background: a call completes once its events are
 * confirmed), whatever its size. Batches go through two stages, append and send: the next batch appends while the
 * one before it sends, one batch at a time appends, and up to {@value #MAX_SENDING} send at once (one publishing
 * while another waits for its confirms) when they share no aggregate. Each stage takes batches in the order of the
 * calls, so that the events of an aggregate are appended and published in that order. A broker failure after
 * the append leaves the events to the relay. Transient failures are retried until each call's deadline: the append
 * (a retried append that was written after all is recognised by the log from the events' ids), then the send.
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
    /**
     * Batches in the send stage at once: one waits for its confirms while the next publishes, when they share no
     * aggregate (a batch with an aggregate of one in the stage waits for it, so that the aggregate's events reach the
     * broker in order).
     */
    static final int MAX_SENDING = 2;

    private final EventLog log;
    private final Router router;
    private final Scheduler scheduler;
    private final BooleanSupplier closed;
    private final Duration deadline;
    private final int batchSize;
    private final Duration linger;
    private final PayloadLimit payloadLimit;
    private final TypedEvents typed;
    private final EventsourceMetrics metrics;
    private final EventTracing tracing;
    private final Topologies topologies;
    private final Deque<Call> waiting = new ArrayDeque<>();
    /** A batch is in its append stage. */
    private boolean appending;
    /** The batches in their send stage, at most {@link #MAX_SENDING}. */
    private final List<Batch> sending = new ArrayList<>(MAX_SENDING);
    /** An appended batch that waits for room in the send stage; while there is one, no batch starts to append. */
    private Batch readyToSend;

    RoutingPublisher(EventLog log, Router router, Scheduler scheduler, BooleanSupplier closed,
                     EventsourceOptions options, TypedEvents typed, EventsourceMetrics metrics,
                     EventTracing tracing, Topologies topologies) {
        this.metrics = metrics;
        this.topologies = topologies;
        this.tracing = tracing;
        this.log = log;
        this.router = router;
        this.scheduler = scheduler;
        this.closed = closed;
        this.deadline = options.publishDeadline();
        this.batchSize = options.publishBatchSize();
        this.linger = options.publishLinger();
        this.payloadLimit = options.payloadLimit();
        this.typed = typed;
    }

    @Override
    public CompletionStage<Publication> publishAsync(AggregateRef aggregate, ExpectedVersion expected,
                                                     List<NewEvent> events) {
        Call call = call(aggregate, expected, events);
        boolean start;
        synchronized (this) {
            waiting.add(call);
            start = mayAppend();
            appending |= start;
        }
        if (start) {
            if (linger.isZero()) {
                scheduler.execute(this::next);
            } else {
                scheduler.schedule(linger, () -> scheduler.execute(this::next));
            }
        }
        return call.result;
    }

    @Override
    public Publication publish(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
        Call call = call(aggregate, expected, events);
        boolean here;
        synchronized (this) {
            here = mayAppend() && waiting.isEmpty();
            if (here) {
                appending = true;
            } else {
                waiting.add(call);
            }
        }
        if (here) {
            new Batch(List.of(call)).run(Batch::start);
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

    @Override
    public Publication publish(AggregateRef aggregate, Object event) {
        return publish(aggregate, ExpectedVersion.ANY, typed(List.of(nonNull(event))));
    }

    @Override
    public CompletionStage<Publication> publishAsync(AggregateRef aggregate, Object event) {
        return publishAsync(aggregate, ExpectedVersion.ANY, typed(List.of(nonNull(event))));
    }

    @Override
    public Publication publishAll(AggregateRef aggregate, ExpectedVersion expected, List<?> events) {
        return publish(aggregate, expected, typed(events));
    }

    @Override
    public CompletionStage<Publication> publishAllAsync(AggregateRef aggregate, ExpectedVersion expected,
                                                        List<?> events) {
        return publishAsync(aggregate, expected, typed(events));
    }

    private static Object nonNull(Object event) {
        return Objects.requireNonNull(event, "event");
    }

    /** Typed events as events to append, carrying the current trace context in their metadata. */
    private List<NewEvent> typed(List<?> events) {
        return typed.newEvents(events, tracing.capture(), scheduler.instant());
    }

    /** An event made by the publisher, carrying the current trace context in its metadata. */
    private NewEvent madeHere(EventName name, Payload payload) {
        Instant now = scheduler.instant();
        return new NewEvent(EventId.timeOrdered(now), name, payload, tracing.capture(), now);
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
        // before anything is appended: events of a type this runtime routes otherwise than its namespace never start
        topologies.agree(aggregate.type());
        Instant now = scheduler.instant();
        return new Call(new Append(aggregate, expected, events), now, now.plus(deadline));
    }

    /** Whether a batch may start to append now: the append stage is free and no appended batch waits to send. */
    private boolean mayAppend() {
        return !appending && readyToSend == null;
    }

    /** Starts the append of the calls that gathered meanwhile, or frees the append stage if none did. Never throws. */
    private void next() {
        List<Call> batch = new ArrayList<>();
        synchronized (this) {
            while (batch.size() < batchSize && !waiting.isEmpty()) {
                batch.add(waiting.poll());
            }
            if (batch.isEmpty()) {
                appending = false;
                return;
            }
        }
        new Batch(batch).run(Batch::start);
    }

    /**
     * A batch left the append stage: it sends now if the send stage is free, or waits for it; the calls that gathered
     * meanwhile start to append unless an appended batch already waits.
     */
    private void onAppended(Batch batch) {
        boolean sendNow;
        boolean appendNext;
        synchronized (this) {
            if (batch.leftAppendStage) {
                return;
            }
            batch.leftAppendStage = true;
            appending = false;
            sendNow = false;
            if (batch.hasSomethingToSend()) {
                if (maySend(batch)) {
                    sending.add(batch);
                    sendNow = true;
                } else {
                    readyToSend = batch;
                }
            }
            appendNext = !waiting.isEmpty() && mayAppend();
            appending = appendNext;
        }
        if (appendNext) {
            scheduler.execute(this::next);
        }
        if (sendNow) {
            batch.run(Batch::send);
        }
    }

    /**
     * Whether the appended batch may enter the send stage now: there is room, and no batch in it has one of its
     * aggregates. Called under the publisher's lock.
     */
    private boolean maySend(Batch batch) {
        if (sending.size() >= MAX_SENDING) {
            return false;
        }
        for (Batch other : sending) {
            if (!Collections.disjoint(other.aggregates(), batch.aggregates())) {
                return false;
            }
        }
        return true;
    }

    /** A batch left the send stage: the appended batch that waited sends next, on the scheduler, if it may now. */
    private void onSent(Batch batch) {
        Batch sendNext = null;
        boolean appendNext;
        synchronized (this) {
            if (batch.leftSendStage) {
                return;
            }
            batch.leftSendStage = true;
            sending.remove(batch);
            if (readyToSend != null && maySend(readyToSend)) {
                sendNext = readyToSend;
                readyToSend = null;
                sending.add(sendNext);
            }
            appendNext = !waiting.isEmpty() && mayAppend();
            appending |= appendNext;
        }
        if (sendNext != null) {
            Batch next = sendNext;
            scheduler.execute(() -> next.run(Batch::send));
        }
        if (appendNext) {
            scheduler.execute(this::next);
        }
    }

    /** Completes the call with its publication and reports it (once per call, whatever the batch). */
    private void complete(Call call, Publication publication) {
        if (call.result.complete(publication)) {
            long latency = Duration.between(call.madeAt, scheduler.instant()).toNanos();
            metrics.published(call.append.aggregate().type(), call.appended.size(),
                    publication instanceof Publication.Sent, latency);
        }
    }

    /** One publish call: its append, when it was made, its deadline, its result. */
    private static final class Call {
        private final Append append;
        private final Instant madeAt;
        private final Instant giveUpAt;
        private final CompletableFuture<Publication> result = new CompletableFuture<>();
        private List<Event> appended;

        Call(Append append, Instant madeAt, Instant giveUpAt) {
            this.append = append;
            this.madeAt = madeAt;
            this.giveUpAt = giveUpAt;
        }
    }

    /** One batch's way through its tries: the append of every call, then the send of what was appended. */
    private final class Batch {
        private final List<Call> calls;
        /** The aggregates of its calls, compared with those of the batches sending ({@link #maySend}). */
        private final Set<AggregateRef> aggregates;
        /** Whether the batch reached its send stage (else it is appending). */
        private boolean sendStage;
        /** Whether the batch left the append stage (guarded by the publisher's lock). */
        private boolean leftAppendStage;
        /** Whether the batch left the send stage (guarded by the publisher's lock). */
        private boolean leftSendStage;

        Batch(List<Call> calls) {
            this.calls = calls;
            Set<AggregateRef> of = new HashSet<>();
            for (Call call : calls) {
                of.add(call.append.aggregate());
            }
            this.aggregates = of;
        }

        /** The aggregates of the batch's calls. */
        Set<AggregateRef> aggregates() {
            return aggregates;
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
                    onAppended(this);
                }
                return;
            } catch (RuntimeException e) {
                open.forEach(call -> call.result.completeExceptionally(e));
                onAppended(this);
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
            onAppended(this);
        }

        /** Whether an appended call of the batch is still to be sent. */
        boolean hasSomethingToSend() {
            for (Call call : calls) {
                if (call.appended != null && !call.result.isDone()) {
                    return true;
                }
            }
            return false;
        }

        void send(int attempt) {
            sendStage = true;
            Map<AggregateRef, List<Event>> byAggregate = new LinkedHashMap<>();
            // a call retried while its first try was in the batch got the same events back: send them once
            Set<EventId> once = new HashSet<>();
            Instant giveUpAt = null;
            for (Call call : calls) {
                if (call.appended != null && !call.result.isDone()) {
                    List<Event> events = byAggregate.computeIfAbsent(call.append.aggregate(), a -> new ArrayList<>());
                    call.appended.stream().filter(event -> once.add(event.id())).forEach(events::add);
                    giveUpAt = giveUpAt == null || call.giveUpAt.isBefore(giveUpAt) ? call.giveUpAt : giveUpAt;
                }
            }
            if (byAggregate.isEmpty()) {
                onSent(this);
                return;
            }
            try {
                Router.Batch sent = router.sendAll(byAggregate);
                for (Call call : calls) {
                    if (call.appended == null || call.result.isDone()) {
                        continue;
                    }
                    Router.Outcome outcome = sent.outcomes().get(call.append.aggregate());
                    if (outcome == Router.Outcome.SENT) {
                        complete(call, new Publication.Sent(call.appended));
                    } else if (outcome == Router.Outcome.REFUSED) {
                        complete(call, new Publication.Pending(call.appended,
                                sent.refused().get(call.append.aggregate()).getMessage()));
                    } else {
                        LOG.warn("appended {} event(s) to {}, but the registry names no live service of {}; they"
                                        + " stay unpublished and the relay sends them once a service heart-beats",
                                call.appended.size(), call.append.aggregate(), call.append.aggregate().type());
                        complete(call, new Publication.Pending(call.appended, "no live service of "
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
            onSent(this);
        }

        private void pending(int aggregates, RuntimeException e) {
            // the appends stand: the log is the outbox, and the relay publishes what is left in it
            LOG.warn("appended the events of {} aggregate(s) but could not publish them now; the relay will: {}",
                    aggregates, e.toString());
            for (Call call : calls) {
                if (call.appended != null && !call.result.isDone()) {
                    complete(call, new Publication.Pending(call.appended, String.valueOf(e)));
                }
            }
        }

        /** Runs a stage of the batch; an unexpected error fails what is left of it instead of stalling the stages. */
        void run(Consumer<Batch> stage) {
            try {
                stage.accept(this);
            } catch (RuntimeException | Error e) {
                fail(e);
            }
        }

        void send() {
            send(1);
        }

        /** Fails what is left of the batch after an unexpected error, and frees the stage it was in. */
        void fail(Throwable e) {
            calls.forEach(call -> call.result.completeExceptionally(e));
            if (sendStage) {
                onSent(this);
            } else {
                onAppended(this);
            }
        }

        private void retry(int attempt, Runnable next) {
            scheduler.schedule(backoff(attempt), () -> {
                try {
                    next.run();
                } catch (RuntimeException | Error e) {
                    fail(e);
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
