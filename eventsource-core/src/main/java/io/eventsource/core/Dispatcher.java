package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.SequenceVerdict;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.Delivery;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Handles one delivery for every binding of the service on the event's type, per the domain's rules: skip a
 * binding that acked the event ok; judge the sequence against the binding's last acked one
 * ({@link SequenceVerdict}); fill a gap from the event log first; skip a duplicate that has an ack; run the
 * handler with the {@link FailurePolicy}; record each ack as its handler finishes, all of an event's acks durable before
 * the next event; acknowledge the broker message last. Any store failure returns the message to its queue after
 * {@link EventsourceOptions#storeRetryDelay()}, never acknowledged.
 *
 * <p>Under {@link FailurePolicy.Exhausted#PARK}, a binding parked on the aggregate ({@link Parking}) is left out of
 * the aggregate's later events, and a binding whose handler fails for good in a delivery is left out of the rest
 * of it; the message is still acknowledged (the log keeps what the parked binding has not handled). A delivery
 * marked as a replay for a binding ({@link #REPLAY_FOR}) hands the event to that binding again if its ack is
 * fail; the mark is removed before any handler sees the event.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /**
     * The metadata key that marks a published copy of an event as a replay of one binding's failure; its value
     * is {@link #replayTag(Binding)}.
     */
    static final String REPLAY_FOR = "eventsource-replay-for";
    /** How often one consumer returns a message it could not handle to its queue before it drops it. */
    static final int MAX_TRIES = 5;
    /** How many events of the aggregate one log read fetches for the messages that follow in the queue. */
    static final int LOG_READ_AHEAD = 16;

    private final BusListener owner;
    private final AckStore acks;
    private final EventLog log;
    private final Scheduler scheduler;
    private final FailurePolicy failurePolicy;
    private final Duration storeRetryDelay;
    private final int maxGapFill;
    private final Parking parking;

    Dispatcher(BusListener owner, AckStore acks, EventLog log, Scheduler scheduler, EventsourceOptions options) {
        this.owner = owner;
        this.acks = acks;
        this.log = log;
        this.scheduler = scheduler;
        this.failurePolicy = options.failurePolicy();
        this.storeRetryDelay = options.storeRetryDelay();
        this.maxGapFill = options.maxGapFill();
        this.parking = new Parking(log, acks);
    }

    /** The value of {@link #REPLAY_FOR} that names the binding. */
    static String replayTag(Binding binding) {
        return binding.service().value() + "/" + binding.projection().value();
    }

    /** A copy of the event marked as a replay for the binding. */
    static Event markedForReplay(Event event, Binding binding) {
        Map<String, String> metadata = new HashMap<>(event.metadata());
        metadata.put(REPLAY_FOR, replayTag(binding));
        return new Event(event.id(), event.aggregate(), event.sequence(), event.name(), event.payload(), metadata,
                event.occurredAt());
    }

    private static Event unmarked(Event event) {
        Map<String, String> metadata = new HashMap<>(event.metadata());
        metadata.remove(REPLAY_FOR);
        return new Event(event.id(), event.aggregate(), event.sequence(), event.name(), event.payload(), metadata,
                event.occurredAt());
    }

    /** Processes the delivery in its aggregate's lane; the stage completes when it is settled or handed back. */
    CompletionStage<Void> process(AggregateConsumer consumer, Delivery delivery) {
        if (consumer.hasEnded() || owner.isStopping()) {
            // not started: the bus returns it to the queue when the subscription ends
            return DONE;
        }
        String replayFor = delivery.event().metadata().get(REPLAY_FOR);
        Event delivered = replayFor == null ? delivery.event() : unmarked(delivery.event());
        List<BindingHandlers> bindings = owner.bindingsOf(delivered.aggregate().type());
        if (bindings.isEmpty()) {
            LOG.warn("{} received {} but binds no projection of {}; acknowledging it", owner.service(), delivered,
                    delivered.aggregate().type());
            delivery.ack();
            return DONE;
        }
        Plan plan;
        try {
            Event event = logged(consumer, delivered);
            if (event == null) {
                refuse(consumer, delivery);
                return DONE;
            }
            plan = plan(consumer, event, bindings, replayFor);
        } catch (RuntimeException e) {
            retryLater(consumer, delivery, e);
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

    /**
     * The log's event that the delivered message stands for, or null if the log holds none with its id at its
     * aggregate and sequence, or holds it with other content: the log decides, never the message. What is handled
     * is the log's event.
     */
    private Event logged(AggregateConsumer consumer, Event delivered) {
        Event event = consumer.loggedAt(delivered.sequence());
        if (event == null) {
            // the next messages of the queue are most likely the next events: one read serves them too
            List<Event> found = log.read(delivered.aggregate(), delivered.sequence(),
                    delivered.sequence() + LOG_READ_AHEAD - 1);
            consumer.rememberLogged(found);
            if (found.isEmpty() || found.get(0).sequence() != delivered.sequence()) {
                return null;
            }
            event = found.get(0);
        }
        boolean same = event.id().equals(delivered.id()) && event.name().equals(delivered.name())
                && event.payload().equals(delivered.payload());
        return same ? event : null;
    }

    /** A message that is not an event of the log: dropped from its queue, counted, logged, never handled. */
    private void refuse(AggregateConsumer consumer, Delivery delivery) {
        Event delivered = delivery.event();
        owner.countRefused();
        LOG.warn("{} refused a message on its queue of {}: {} #{} ({}) is not an event of the log with that id and"
                        + " content; it was dropped and reaches no handler", owner.service(), consumer.aggregate(),
                delivered.id(), delivered.sequence(), delivered.name());
        delivery.reject();
    }

    /**
     * The events to handle, in sequence order, each with the bindings that still need it. While this consumer is
     * the queue's active consumer it knows up to which sequence each binding handled the aggregate (from the ack
     * store when it started, then from its own durable acks): an event past that needs no ack lookup, since nobody
     * else handles the aggregate meanwhile. Anything else (a duplicate, a replay, parking) asks the ack store.
     */
    private Plan plan(AggregateConsumer consumer, Event event, List<BindingHandlers> bindings, String replayFor) {
        AggregateRef aggregate = event.aggregate();
        boolean known = replayFor == null && !failurePolicy.parks() && consumer.knowsAllBefore(bindings, event.sequence());
        Map<AckKey, Ack> found = known ? Map.of() : acks.find(keys(List.of(event), bindings));
        Map<BindingHandlers, Long> lastHandled = new HashMap<>();
        List<BindingHandlers> needEvent = new ArrayList<>();
        long firstMissing = event.sequence();
        for (BindingHandlers binding : bindings) {
            Ack ack = found.get(AckKey.of(event.id(), binding.binding()));
            if (ack != null && ack.isOk()) {
                continue;
            }
            if (ack != null && replayTag(binding.binding()).equals(replayFor)) {
                // a replay of this binding's failure: handled again now, after whatever gap the others fill
                lastHandled.put(binding, Long.MAX_VALUE);
                needEvent.add(binding);
                continue;
            }
            long last;
            if (known) {
                last = consumer.handledUpTo(binding.binding());
            } else {
                last = acks.lastSequence(binding.binding().service(), binding.binding().projection(), aggregate);
                consumer.handledUpTo(binding.binding(), last);
            }
            SequenceVerdict verdict = SequenceVerdict.of(last, event.sequence());
            if (verdict instanceof SequenceVerdict.Duplicate) {
                if (ack != null) {
                    continue;
                }
                LOG.warn("{} has no ack for {} although it handled later events of {}; handling it now, late",
                        binding, event, aggregate);
            } else if (failurePolicy.parks() && parking.isParked(binding.binding(), aggregate, last)) {
                LOG.debug("{} is parked on {} by its failed event {}; {} waits", binding, aggregate, last, event);
                continue;
            } else if (verdict instanceof SequenceVerdict.Gap gap) {
                firstMissing = Math.min(firstMissing, gap.firstMissing());
            }
            lastHandled.put(binding, last);
            needEvent.add(binding);
        }
        List<Step> steps = new ArrayList<>();
        boolean partial = event.sequence() - firstMissing > maxGapFill;
        if (firstMissing < event.sequence()) {
            // a long history (a binding new to an old aggregate) is filled a bounded chunk per pass: the delivery
            // goes back to the queue and comes again for the next chunk
            long lastRead = partial ? firstMissing + maxGapFill - 1 : event.sequence() - 1;
            List<Event> missing = log.read(aggregate, firstMissing, lastRead);
            Map<AckKey, Ack> missingAcks = known ? Map.of() : acks.find(keys(missing, needEvent));
            for (Event earlier : missing) {
                List<BindingHandlers> need = new ArrayList<>();
                for (BindingHandlers binding : needEvent) {
                    if (earlier.sequence() > lastHandled.get(binding)
                            && !missingAcks.containsKey(AckKey.of(earlier.id(), binding.binding()))) {
                        need.add(binding);
                    }
                }
                if (!need.isEmpty()) {
                    steps.add(new Step(earlier, need));
                }
            }
            if (!steps.isEmpty()) {
                LOG.debug("{} fills a gap of {} event(s) of {} from the log before {}", owner.service(),
                        steps.size(), aggregate, event);
            }
        }
        if (!needEvent.isEmpty() && !partial) {
            steps.add(new Step(event, needEvent));
        }
        return new Plan(steps, partial);
    }

    private static List<AckKey> keys(List<Event> events, List<BindingHandlers> bindings) {
        List<AckKey> keys = new ArrayList<>(events.size() * bindings.size());
        for (Event event : events) {
            for (BindingHandlers binding : bindings) {
                keys.add(AckKey.of(event.id(), binding.binding()));
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
        return handle(consumer, binding, step.event(), 1).thenCompose(ack -> {
            recorded.add(record(List.of(ack)).toCompletableFuture()
                    .thenRun(() -> consumer.handledUpTo(binding.binding(), step.event().sequence())));
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
        try {
            handler.handle(event);
            return CompletableFuture.completedFuture(Ack.ok(event, binding.binding(), attempt, scheduler.instant()));
        } catch (Throwable failure) {
            if (failure instanceof VirtualMachineError error) {
                throw error;
            }
            if (!failurePolicy.retriesAfter(attempt)) {
                LOG.warn("{} failed to handle {} after {} attempt(s); recording it as failed and {}", binding, event,
                        attempt, failurePolicy.parks() ? "parking " + event.aggregate() + " for it until it is replayed"
                                : "going on", failure);
                return CompletableFuture.completedFuture(
                        Ack.fail(event, binding.binding(), attempt, String.valueOf(failure), scheduler.instant()));
            }
            Duration backoff = failurePolicy.backoffAfter(attempt);
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
            owner.countRefused();
            LOG.warn("{} gives up on {} in its queue of {} after {} tries and drops the message; the event log brings"
                    + " it again (gap fill, sweeper): {}", owner.service(), delivery.event(), consumer.aggregate(),
                    MAX_TRIES, String.valueOf(cause));
            delivery.reject();
            return;
        }
        Duration backoff = storeRetryDelay.multipliedBy(1L << Math.min(tries - 1, 5));
        LOG.warn("{} could not handle {} now (try {} of {}); returning it to its queue in {}: {}", owner.service(),
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
