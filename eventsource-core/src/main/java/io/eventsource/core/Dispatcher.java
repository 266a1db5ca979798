package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.DeliveryDecision;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.SequenceRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Handles one delivery for every binding of the service on the event's type: reads what its consumer does not know
 * yet, decides per the domain's rule ({@link DeliveryDecision}: skip, wait while parked, handle, fill a gap from the
 * log first), then acts: fills the gap, runs each handler with the {@link FailurePolicy}, records each ack as its
 * handler finishes, all of an event's acks durable before the next event, and acknowledges the broker message last,
 * so that a consumer's messages are settled in queue order. Any store failure returns the message to its queue after
 * {@link EventsourceOptions#storeRetryDelay()}, never acknowledged.
 *
 * <p><b>Reads.</b> The log decides what a message is: its event is read from the log, {@value #LOG_READ_AHEAD} at a
 * time for the messages that follow. While its consumer is the queue's active consumer, it knows up to where each
 * binding handled the aggregate ({@link KnownAcks}), so an event past that needs no read of the ack store. What the
 * consumer does not know (every binding's position, when it starts; whether a binding is parked; the acks of a
 * message that some binding already handled, or of a replay) is read in one batch that covers the messages prefetched
 * behind it: one read of the positions, and one read of the acks of all those messages (under
 * {@link FailurePolicy.Exhausted#PARK} also of the ack at each binding's position, whose event comes from one log
 * read). An aggregate whose first event the log appended after this consumer became its partition's active consumer
 * ({@link AggregateConsumer#freshAfter()}) has no position to read: nothing but this consumer can have handled it.
 *
 * <p>Under {@link FailurePolicy.Exhausted#PARK}, a binding parked on the aggregate is left out of the aggregate's
 * later events, and a binding whose handler fails for good in a delivery is left out of the rest of it; the message is
 * still acknowledged (the log keeps what the parked binding has not handled). A delivery marked as a replay for a
 * binding ({@link Replay#REPLAY_FOR}) hands the event to that binding again if its ack is fail, or if the replay
 * forgot its ack ({@link ReplayEngine}: then not as a lost ack); the mark is removed before any handler sees the
 * event.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /** How often one consumer returns a message it could not handle to its queue before it drops it. */
    static final int MAX_TRIES = 5;
    /** How many events of the aggregate one log read fetches for the messages that follow in the queue. */
    static final int LOG_READ_AHEAD = 16;
    /** How many prefetched messages one read of acks covers, besides the one in progress. */
    static final int ACK_READ_AHEAD = 256;

    private final ServiceName service;
    private final Map<AggregateType, List<BindingHandlers>> byType;
    /** The same bindings without their handlers, for what the consumer knows of them. */
    private final Map<AggregateType, List<Binding>> bindingsByType = new HashMap<>();
    private final AckStore acks;
    private final EventLog log;
    /** The log's reads that the checks of deliveries share with other consumers' (one query for many). */
    private final SharedReads<SequenceRange, List<LoggedEvent>> reads;
    /** The positions that consumers starting on aggregates read, shared likewise (one query for many aggregates). */
    private final SharedReads<SharedReads.Positions, Map<Binding, Long>> positions;
    private final Scheduler scheduler;
    private final FailurePolicy failurePolicy;
    private final Duration storeRetryDelay;
    private final int maxGapFill;
    private final Parking parking;
    private final Runnable refused;
    private final EventsourceMetrics metrics;
    private final EventTracing tracing;
    /** Whether handlers are timed: not without metrics, so that the hot path reads no clock for nothing. */
    private final boolean timed;

    /**
     * @param byType  the service's bindings per aggregate type, fixed
     * @param refused counts a message dropped unhandled (not an event of the log, or out of tries)
     * @param metrics what the dispatcher reports: deliveries, handler runs, retries, acks, parking, refusals
     * @param tracing   makes an event's trace context current around its handlers
     */
    Dispatcher(ServiceName service, Map<AggregateType, List<BindingHandlers>> byType, AckStore acks, EventLog log,
               SharedReads<SequenceRange, List<LoggedEvent>> reads, Scheduler scheduler, EventsourceOptions options, Runnable refused,
               EventsourceMetrics metrics, EventTracing tracing) {
        this.metrics = metrics;
        this.tracing = tracing;
        this.timed = metrics != EventsourceMetrics.NONE;
        this.service = service;
        this.byType = byType;
        this.acks = acks;
        this.log = log;
        this.reads = reads;
        this.positions = SharedReads.ofPositions(acks);
        this.scheduler = scheduler;
        this.failurePolicy = options.failurePolicy();
        this.storeRetryDelay = options.storeRetryDelay();
        this.maxGapFill = options.maxGapFill();
        this.parking = new Parking(log, acks);
        this.refused = refused;
        byType.forEach((type, bindings) -> bindingsByType.put(type,
                bindings.stream().map(BindingHandlers::binding).toList()));
    }

    /**
     * The log's newest position of the type, read now: after it, a partition consumer's aggregates are fresh
     * ({@link AggregateConsumer#freshAfter()}).
     */
    long newestPosition(AggregateType type) {
        return log.newestPosition(type);
    }

    /**
     * Processes the delivery in its aggregate's lane; the stage completes when it is settled or handed back. The log
     * read and, for an aggregate this consumer does not know yet, the positions read are asked at once and wait
     * without a thread; the delivery goes on on the lane's executor once both are read. So the deliveries that wait
     * for reads hold no thread, and a shared read carries as many of them as wait. The first event of an aggregate of
     * a partition waits for the log read alone: if the log appended it after this consumer became the partition's
     * active consumer, it needs no positions ({@link #isFresh}); otherwise they are asked then.
     *
     * @param onDeliveringThread whether this runs on the thread that handed the delivery over (the bus's): then only
     *                           the reads are asked here, and the handlers run on the lane's executor even when
     *                           nothing is left to read, so that the bus's thread never waits for a handler or a store
     */
    CompletionStage<Void> process(AggregateConsumer consumer, Delivery delivery, boolean onDeliveringThread) {
        metrics.delivered(service, delivery.event().aggregate().type());
        String replayFor = delivery.event().metadata().get(Replay.REPLAY_FOR);
        Event delivered = replayFor == null ? delivery.event() : Replay.unmarked(delivery.event());
        List<BindingHandlers> bindings = byType.getOrDefault(delivered.aggregate().type(), List.of());
        if (bindings.isEmpty()) {
            LOG.warn("{} received {} but binds no projection of {}; acknowledging it", service, delivered,
                    delivered.aggregate().type());
            delivery.ack();
            return DONE;
        }
        Executor readsOn = consumer.readsOn();
        Event readAhead = consumer.loggedAt(delivered.sequence());
        List<Binding> unknown = consumer.known().unknownPositions(bindingsByType.get(delivered.aggregate().type()));
        List<Binding> unlessFresh = !unknown.isEmpty() && readAhead == null && delivered.sequence() == 1
                && replayFor == null && consumer.freshAfter() != AggregateConsumer.NEVER_FRESH ? unknown : null;
        CompletableFuture<List<LoggedEvent>> logRead;
        CompletableFuture<Map<Binding, Long>> positionsRead;
        try {
            logRead = readAhead != null ? CompletableFuture.completedFuture(null)
                    : reads.readAsync(readAhead(delivered), readsOn);
            positionsRead = unknown.isEmpty() || unlessFresh != null ? CompletableFuture.completedFuture(null)
                    : positions.readAsync(new SharedReads.Positions(delivered.aggregate(), unknown), readsOn);
        } catch (RuntimeException e) {
            retryLater(consumer, delivery, e);
            return DONE;
        }
        return afterBoth(consumer, delivery, delivered, bindings, replayFor, readAhead, logRead, positionsRead,
                unlessFresh, readsOn, !onDeliveringThread);
    }

    /**
     * Goes on with the delivery once both reads are in: at once if they are and {@code mayGoOnHere}, else on the
     * lane's executor.
     */
    private CompletionStage<Void> afterBoth(AggregateConsumer consumer, Delivery delivery, Event delivered,
                                            List<BindingHandlers> bindings, String replayFor, Event readAhead,
                                            CompletableFuture<List<LoggedEvent>> logRead,
                                            CompletableFuture<Map<Binding, Long>> positionsRead,
                                            List<Binding> unlessFresh, Executor readsOn, boolean mayGoOnHere) {
        CompletableFuture<Void> both = CompletableFuture.allOf(logRead, positionsRead);
        if (both.isDone() && mayGoOnHere) {
            return afterReads(consumer, delivery, delivered, bindings, replayFor, readAhead, logRead, positionsRead,
                    unlessFresh, readsOn);
        }
        // the reads complete on the reading thread: the delivery goes on on a worker, not in the way of other reads
        return both.handleAsync((ignored, error) -> afterReads(consumer, delivery, delivered, bindings, replayFor,
                readAhead, logRead, positionsRead, unlessFresh, readsOn), RunsAnyway.of(readsOn))
                .thenCompose(stage -> stage);
    }

    /**
     * @param unlessFresh the bindings whose positions were not asked because the event may be its aggregate's first
     *                    in a fresh aggregate, or null
     */
    private CompletionStage<Void> afterReads(AggregateConsumer consumer, Delivery delivery, Event delivered,
                                             List<BindingHandlers> bindings, String replayFor, Event readAhead,
                                             CompletableFuture<List<LoggedEvent>> logRead,
                                             CompletableFuture<Map<Binding, Long>> positionsRead,
                                             List<Binding> unlessFresh, Executor readsOn) {
        Plan plan;
        try {
            Event event = readAhead;
            LoggedEvent logged = null;
            List<LoggedEvent> found = logRead.join();
            if (found != null) {
                consumer.rememberLogged(found);
                logged = atSequence(found, delivered.sequence());
                event = logged == null ? null : logged.event();
            }
            Map<Binding, Long> read = positionsRead.join();
            event = sameAs(event, delivered);
            if (unlessFresh != null && event != null) {
                if (!isFresh(consumer, logged)) {
                    // appended before this consumer became active: someone else may have handled it; ask now
                    CompletableFuture<Map<Binding, Long>> later = positions.readAsync(
                            new SharedReads.Positions(event.aggregate(), unlessFresh), readsOn);
                    return afterBoth(consumer, delivery, delivered, bindings, replayFor, event,
                            CompletableFuture.completedFuture(null), later, null, readsOn, true);
                }
                read = nothingHandled(unlessFresh);
            }
            // positions read for a message that is not an event of the log are dropped: the pass that takes the
            // aggregate over is the one of its first event
            boolean tookOver = read != null && event != null;
            if (tookOver) {
                consumer.known().positions(read);
            }
            plan = decide(consumer, delivered, event, bindings, replayFor, tookOver);
        } catch (CompletionException e) {
            retryLater(consumer, delivery, unwrap(e));
            return DONE;
        } catch (RuntimeException e) {
            retryLater(consumer, delivery, e);
            return DONE;
        }
        return act(consumer, delivery, delivered, plan);
    }

    /**
     * Whether the aggregate of this first event is fresh for the consumer: the log appended the event after the
     * consumer became its partition's single active consumer, so no other consumer ever had a message of the aggregate
     * (every message of an event is sent after its append), and this one has forgotten nothing of it (it reads
     * {@link AggregateConsumer#freshAfter()} again after forgetting). Then no binding has handled the aggregate: its
     * positions are known without a read.
     */
    private static boolean isFresh(AggregateConsumer consumer, LoggedEvent first) {
        return first != null && first.event().sequence() == 1 && first.position() > consumer.freshAfter();
    }

    /** Every binding at position 0: what a positions read answers for an aggregate that no binding handled. */
    private static Map<Binding, Long> nothingHandled(List<Binding> bindings) {
        Map<Binding, Long> none = new LinkedHashMap<>();
        bindings.forEach(binding -> none.put(binding, 0L));
        return none;
    }

    /**
     * Reads what the consumer does not know yet of the acks and decides; null if the message is not an event of the
     * log (then it is refused here).
     *
     * @param event the log's event for the delivered message, or null if the log holds none like it
     */
    private Plan decide(AggregateConsumer consumer, Event delivered, Event event, List<BindingHandlers> bindings,
                        String replayFor, boolean tookOver) {
        if (event == null) {
            // whatever was read ahead under its id is not for it
            consumer.known().take(delivered.id());
            return null;
        }
        // read
        readAcks(consumer, event, bindings, replayFor);
        List<DeliveryDecision.Seen> seen = seen(consumer.known(), event, bindings, replayFor);
        // decide
        DeliveryDecision decision = DeliveryDecision.decide(event.sequence(), seen, maxGapFill);
        // act
        return plan(event, bindings, decision, tookOver);
    }

    /** Runs the plan, then settles the message: acknowledged, back to the queue, or refused if there is no plan. */
    private CompletionStage<Void> act(AggregateConsumer consumer, Delivery delivery, Event delivered, Plan plan) {
        if (plan == null) {
            refuse(consumer, delivery);
            return DONE;
        }
        return run(consumer, plan.steps(), 0, new HashSet<>()).handle((ignored, error) -> {
            Throwable cause = unwrap(error);
            if (cause == null && plan.partial()) {
                // the pass filled its share of a long gap: progress, so the next pass comes at once
                consumer.forgetRetries(delivered.id());
                delivery.requeue();
            } else if (cause == null) {
                consumer.forgetRetries(delivered.id());
                delivery.ack();
            } else if (!(cause instanceof Abandoned)) {
                retryLater(consumer, delivery, cause);
            }
            return null;
        });
    }

    /** The log read for a message: its sequence and the next ones, as the next messages are most likely those. */
    private static SequenceRange readAhead(Event delivered) {
        return new SequenceRange(delivered.aggregate(), delivered.sequence(), delivered.sequence() + LOG_READ_AHEAD - 1);
    }

    /** The first event read if it is at the sequence, else null. */
    private static LoggedEvent atSequence(List<LoggedEvent> found, long sequence) {
        return found.isEmpty() || found.get(0).event().sequence() != sequence ? null : found.get(0);
    }

    /** The log's event if the delivered message carries it (same id, name and payload), else null. */
    private static Event sameAs(Event logged, Event delivered) {
        if (logged == null) {
            return null;
        }
        boolean same = logged.id().equals(delivered.id()) && logged.name().equals(delivered.name())
                && logged.payload().equals(delivered.payload());
        return same ? logged : null;
    }

    /** A message that is not an event of the log: dropped from its queue, counted, logged, never handled. */
    private void refuse(AggregateConsumer consumer, Delivery delivery) {
        Event delivered = delivery.event();
        refused.run();
        metrics.refused(service, consumer.aggregate().type());
        LOG.warn("{} refused a message on its queue of {}: {} #{} ({}) is not an event of the log with that id and"
                        + " content; it was dropped and reaches no handler", service, consumer.aggregate(),
                delivered.id(), delivered.sequence(), delivered.name());
        delivery.reject();
    }

    /**
     * Reads from the ack store what the consumer does not know yet to decide this delivery, in one batch that also
     * serves the messages prefetched behind it, once it knows the bindings' positions (asked together with the log
     * read by {@link #process}): under the policy that parks, the event at
     * each position whose parking it does not know (one log read); and in one more read, the acks of those events and
     * of every held message that some binding has handled already or that is a replay (a message that the previous
     * consumer handled and did not settle, a copy the relay or the sweeper sent, a replay). Nothing else: an event
     * past every binding's position has no ack.
     */
    private void readAcks(AggregateConsumer consumer, Event event, List<BindingHandlers> handlers, String replayFor) {
        KnownAcks known = consumer.known();
        AggregateRef aggregate = event.aggregate();
        List<Binding> bindings = bindingsByType.get(aggregate.type());
        Map<Binding, Long> unknownParking = new LinkedHashMap<>();
        if (failurePolicy.parks()) {
            for (Binding binding : known.unknownParking(bindings)) {
                unknownParking.put(binding, known.handledUpTo(binding));
            }
        }
        Map<Binding, AckKey> parkingKeys = parking.lastAckKeys(aggregate, unknownParking);
        boolean needsAcks = (replayFor != null || known.someHandled(bindings, event.sequence()))
                && !known.hasRead(event.id());
        if (needsAcks || !parkingKeys.isEmpty()) {
            Set<EventId> events = new LinkedHashSet<>();
            if (needsAcks) {
                events.add(event.id());
            }
            for (Delivery next : consumer.waiting(ACK_READ_AHEAD)) {
                Event held = next.event();
                if ((held.metadata().containsKey(Replay.REPLAY_FOR) || known.someHandled(bindings, held.sequence()))
                        && !known.hasRead(held.id())) {
                    events.add(held.id());
                }
            }
            List<AckKey> keys = new ArrayList<>(keys(events, handlers));
            keys.addAll(parkingKeys.values());
            Map<AckKey, Ack> found = acks.find(keys);
            known.read(events, found);
            unknownParking.keySet().forEach(binding -> known.lastFailed(binding,
                    Parking.parksOn(parkingKeys.containsKey(binding) ? found.get(parkingKeys.get(binding)) : null)));
        } else {
            // no position to look at: handled nothing, or the log does not hold the event there
            unknownParking.keySet().forEach(binding -> known.lastFailed(binding, false));
        }
    }


    /** What the consumer knows of each binding for this event, once {@link #read} has read what it lacked. */
    private List<DeliveryDecision.Seen> seen(KnownAcks known, Event event, List<BindingHandlers> bindings,
                                             String replayFor) {
        Map<Binding, Ack> acksOfEvent = known.take(event.id());
        List<DeliveryDecision.Seen> seen = new ArrayList<>(bindings.size());
        for (BindingHandlers handlers : bindings) {
            Binding binding = handlers.binding();
            Ack ack = acksOfEvent.get(binding);
            boolean replayForIt = Replay.tag(binding).equals(replayFor);
            long last = known.handledUpTo(binding);
            // a replay of the binding's failure unparks it; a replay whose ack was forgotten waits like any event
            boolean parked = failurePolicy.parks() && (ack == null || !ack.isOk()) && !(replayForIt && ack != null)
                    && last < event.sequence() && known.lastFailed(binding);
            seen.add(new DeliveryDecision.Seen(last, ack == null ? null : ack.status(), replayForIt, parked));
        }
        return seen;
    }

    /**
     * The events to handle, in sequence order, each with the bindings that still need it, per the decision. A gap is
     * read from the log; in the pass that took the aggregate over, its acks too (the consumer that this one took over
     * from, on another instance, may have recorded some since the positions were read).
     */
    private Plan plan(Event event, List<BindingHandlers> bindings, DeliveryDecision decision, boolean tookOver) {
        AggregateRef aggregate = event.aggregate();
        List<BindingHandlers> needEvent = new ArrayList<>();
        for (int i = 0; i < bindings.size(); i++) {
            DeliveryDecision.Verdict verdict = decision.verdicts().get(i);
            if (verdict instanceof DeliveryDecision.Handle handle && handle.late()) {
                LOG.warn("{} has no ack for {} although it handled later events of {}; handling it now, late",
                        bindings.get(i), event, aggregate);
            } else if (verdict instanceof DeliveryDecision.Wait) {
                LOG.debug("{} is parked on {}; {} waits", bindings.get(i), aggregate, event);
            }
            if (verdict.handlesArriving()) {
                needEvent.add(bindings.get(i));
            }
        }
        List<Step> steps = new ArrayList<>();
        if (decision.firstMissing() < event.sequence()) {
            // a long history (a binding new to an old aggregate) is filled a bounded chunk per pass: the delivery
            // goes back to the queue and comes again for the next chunk
            List<Event> missing = log.read(aggregate, decision.firstMissing(), decision.lastToRead());
            Map<AckKey, Ack> missingAcks = tookOver
                    ? acks.find(keys(missing.stream().map(Event::id).toList(), needEvent)) : Map.of();
            for (Event earlier : missing) {
                List<BindingHandlers> need = new ArrayList<>();
                for (int i = 0; i < bindings.size(); i++) {
                    BindingHandlers binding = bindings.get(i);
                    boolean acked = missingAcks.containsKey(AckKey.of(earlier.id(), binding.binding()));
                    if (decision.verdicts().get(i).needsEarlier(earlier.sequence(), acked)) {
                        need.add(binding);
                    }
                }
                if (!need.isEmpty()) {
                    steps.add(new Step(earlier, need));
                }
            }
            if (!steps.isEmpty()) {
                LOG.debug("{} fills a gap of {} event(s) of {} from the log before {}", service, steps.size(),
                        aggregate, event);
            }
        }
        if (!needEvent.isEmpty() && !decision.partial()) {
            steps.add(new Step(event, needEvent));
        }
        return new Plan(steps, decision.partial());
    }

    private static List<AckKey> keys(Collection<EventId> events, List<BindingHandlers> bindings) {
        List<AckKey> keys = new ArrayList<>(events.size() * bindings.size());
        for (EventId event : events) {
            for (BindingHandlers binding : bindings) {
                keys.add(AckKey.of(event, binding.binding()));
            }
        }
        return keys;
    }

    /**
     * Runs the steps from {@code index}: each event's handlers, each ack recorded as soon as its handler is done
     * (so that a crash during another binding's retry does not lose it), all of the event's acks durable before
     * the next event.
     */
    private CompletionStage<Void> run(AggregateConsumer consumer, List<Step> steps, int index,
                                      Set<BindingHandlers> parked) {
        if (index == steps.size()) {
            return DONE;
        }
        if (consumer.hasEnded()) {
            return CompletableFuture.failedFuture(new Abandoned());
        }
        Step step = steps.get(index);
        return handleAll(consumer, step, 0, new ArrayList<>(), parked)
                .thenCompose(ignored -> run(consumer, steps, index + 1, parked));
    }

    private CompletionStage<Void> handleAll(AggregateConsumer consumer, Step step, int index,
                                            List<CompletableFuture<Void>> recorded, Set<BindingHandlers> parked) {
        if (index == step.bindings().size()) {
            return CompletableFuture.allOf(recorded.toArray(CompletableFuture[]::new));
        }
        BindingHandlers binding = step.bindings().get(index);
        if (parked.contains(binding)) {
            // parked by an earlier event of this delivery: this one waits for the replay
            return handleAll(consumer, step, index + 1, recorded, parked);
        }
        // a handler that ran while its ack could not be written is not run again: its outcome is recorded now
        Ack unrecorded = consumer.unrecorded(AckKey.of(step.event().id(), binding.binding()));
        CompletionStage<Ack> outcome = unrecorded != null ? CompletableFuture.completedFuture(unrecorded)
                : handle(consumer, binding, step.event(), 1);
        return outcome.thenCompose(ack -> {
            recorded.add(record(List.of(ack)).toCompletableFuture().whenComplete((done, error) -> {
                if (error == null) {
                    consumer.recorded(ack);
                    metrics.acked(binding.binding(), ack.isOk());
                    if (!ack.isOk() && failurePolicy.parks()) {
                        metrics.parked(binding.binding());
                    }
                } else {
                    consumer.keepUnrecorded(ack);
                }
            }));
            if (!ack.isOk() && failurePolicy.parks()) {
                parked.add(binding);
            }
            return handleAll(consumer, step, index + 1, recorded, parked);
        });
    }

    private CompletionStage<Void> record(List<Ack> outcome) {
        try {
            return acks.record(outcome);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Runs the binding's handler for the event, retrying on the scheduler per the failure policy. */
    private CompletionStage<Ack> handle(AggregateConsumer consumer, BindingHandlers binding, Event event, int attempt) {
        EventHandler handler = binding.handlerFor(event.name());
        if (handler == null) {
            return CompletableFuture.completedFuture(Ack.ok(event, binding.binding(), attempt, scheduler.instant()));
        }
        Instant started = timed ? scheduler.instant() : null;
        try {
            HandlerContext.run(handler, event, binding.binding(), tracing);
            Instant now = scheduler.instant();
            if (timed) {
                metrics.handled(binding.binding(), Duration.between(started, now).toNanos());
            }
            return CompletableFuture.completedFuture(Ack.ok(event, binding.binding(), attempt, now));
        } catch (Throwable failure) {
            if (failure instanceof VirtualMachineError error) {
                throw error;
            }
            if (timed) {
                metrics.handled(binding.binding(), Duration.between(started, scheduler.instant()).toNanos());
            }
            if (!failurePolicy.retriesAfter(attempt)) {
                LOG.warn("{} failed to handle {} after {} attempt(s); recording it as failed and {}", binding, event,
                        attempt, failurePolicy.parks() ? "parking " + event.aggregate() + " for it until it is replayed"
                                : "going on", failure);
                return CompletableFuture.completedFuture(
                        Ack.fail(event, binding.binding(), attempt, String.valueOf(failure), scheduler.instant()));
            }
            Duration backoff = failurePolicy.backoffAfter(attempt);
            metrics.retried(binding.binding());
            LOG.debug("{} failed to handle {} (attempt {}); retrying in {}", binding, event, attempt, backoff, failure);
            CompletableFuture<Ack> retried = new CompletableFuture<>();
            scheduler.schedule(backoff, () -> {
                if (consumer.hasEnded()) {
                    retried.completeExceptionally(new Abandoned());
                    return;
                }
                handle(consumer, binding, event, attempt + 1).whenComplete((ack, error) -> {
                    if (error != null) {
                        retried.completeExceptionally(error);
                    } else {
                        retried.complete(ack);
                    }
                });
            });
            return retried;
        }
    }

    /**
     * Returns the message to its queue after a backoff that doubles from the store retry delay, at most
     * {@link #MAX_TRIES} times for one consumer; then drops it (the log, not the message, brings the event again: the
     * gap fill of a later event or the sweeper), so that no message is looped on.
     */
    private void retryLater(AggregateConsumer consumer, Delivery delivery, Throwable cause) {
        int tries = consumer.countRetry(delivery.event().id());
        if (tries > MAX_TRIES) {
            consumer.forgetRetries(delivery.event().id());
            refused.run();
            metrics.refused(service, consumer.aggregate().type());
            LOG.warn("{} gives up on {} in its queue of {} after {} tries and drops the message; the event log brings"
                    + " it again (gap fill, sweeper): {}", service, delivery.event(), consumer.aggregate(),
                    MAX_TRIES, String.valueOf(cause));
            delivery.reject();
            return;
        }
        Duration backoff = storeRetryDelay.multipliedBy(1L << Math.min(tries - 1, 5));
        LOG.warn("{} could not handle {} now (try {} of {}); returning it to its queue in {}: {}", service,
                delivery.event(), tries, MAX_TRIES, backoff, String.valueOf(cause));
        scheduler.schedule(backoff, delivery::requeue);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The steps of one delivery; partial when its gap is longer than one pass fills. */
    private record Plan(List<Step> steps, boolean partial) {
    }

    /** One event and the bindings that still need it. */
    private record Step(Event event, List<BindingHandlers> bindings) {
    }

    /** The subscription ended while the delivery was in progress: the bus has returned it to the queue. */
    private static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super("subscription ended", null, false, false);
        }
    }
}
