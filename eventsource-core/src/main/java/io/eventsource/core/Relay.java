package io.eventsource.core;

import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes the events that are still unpublished in the log a grace period after they occurred: those whose
 * publish failed in an outage, that found no live service, or whose producer died between append and publish.
 * Every runtime of a namespace runs one, producers and listeners alike, so that the backlog drains whoever exits;
 * a lease in the registry lets one of them work at a time. Events that every registered binding of their type has
 * already acked are only marked published; events of a type that no service has listened to for
 * {@link #orphanAge} are marked published without a send (a binding that starts later reads them from the log).
 * Runs on the scheduler; one run at a time.
 */
final class Relay {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    /** Upper bound of batches per run, so that a log that never marks events published cannot spin a run forever. */
    private static final int MAX_BATCHES_PER_RUN = 20;

    /** The lease's name in the registry. */
    static final String LEASE = "relay";

    private final EventLog log;
    private final AckStore acks;
    private final ServiceRegistry registry;
    private final String holder;
    private final Duration leaseTtl;
    private final Duration orphanAge;
    private final Router router;
    private final Scheduler scheduler;
    private final Duration grace;
    private final Duration interval;
    private final int batchSize;
    private final EventsourceMetrics metrics;
    private final PeriodicWork runs;

    Relay(EventLog log, AckStore acks, ServiceRegistry registry, String holder, Router router, Scheduler scheduler,
          ExpiryPolicy expiry, EventsourceOptions options, EventsourceMetrics metrics) {
        this.metrics = metrics;
        this.log = log;
        this.acks = acks;
        this.registry = registry;
        this.holder = holder;
        // a holder that misses two runs hands over
        this.leaseTtl = options.relayInterval().multipliedBy(3);
        this.orphanAge = expiry.livenessTtl().plus(expiry.heartbeatInterval());
        this.router = router;
        this.scheduler = scheduler;
        this.grace = options.relayGracePeriod();
        this.interval = options.relayInterval();
        this.batchSize = options.relayBatchSize();
        this.runs = new PeriodicWork(scheduler, interval, this::runOnce);
    }

    void start() {
        runs.start();
    }

    /**
     * No run starts any more, and the run in progress ends after the batch it is at.
     *
     * @return completes once no run is in progress: the stores may be closed then
     */
    CompletableFuture<Void> stop() {
        return runs.stop();
    }

    /** Publishes what is due now if this runtime holds the lease; returns how many events it settled. Never throws. */
    int runOnce() {
        if (!runs.begin()) {
            return 0;
        }
        int settled = 0;
        try {
            if (!registry.holdLease(LEASE, holder, scheduler.instant(), leaseTtl)) {
                return 0;
            }
            // per aggregate, what the run left unpublished as last read (a later batch may read it again)
            Map<AggregateRef, List<Event>> left = new HashMap<>();
            for (int batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
                if (batch > 0 && runs.isStopping()) {
                    // what is left is due at the next relay's run, this runtime's or another's
                    break;
                }
                List<LoggedEvent> due = log.unpublished(scheduler.instant().minus(grace), batchSize);
                Map<AggregateRef, List<Event>> byAggregate = new LinkedHashMap<>();
                for (LoggedEvent entry : due) {
                    byAggregate.computeIfAbsent(entry.event().aggregate(), a -> new ArrayList<>()).add(entry.event());
                }
                Map<AggregateType, List<Binding>> bindings = byType(due.isEmpty() ? Set.of() : registry.bindings());
                for (Map.Entry<AggregateRef, List<Event>> entry : byAggregate.entrySet()) {
                    int settledNow = settle(entry.getKey(), entry.getValue(),
                            bindings.getOrDefault(entry.getKey().type(), List.of()));
                    settled += settledNow;
                    if (settledNow == 0) {
                        left.put(entry.getKey(), entry.getValue());
                    } else {
                        left.remove(entry.getKey());
                    }
                }
                if (due.size() < batchSize) {
                    break;
                }
            }
            if (settled > 0) {
                LOG.info("relayed {} unpublished event(s)", settled);
            }
            reportBacklog(left);
        } catch (RuntimeException e) {
            LOG.warn("relay stopped after {} event(s) this run; it tries again in {}: {}", settled, interval,
                    e.toString());
        } finally {
            runs.end();
        }
        return settled;
    }

    /** Reports the events that the run left unpublished, and the age of the oldest of them. */
    private void reportBacklog(Map<AggregateRef, List<Event>> left) {
        long backlog = 0;
        Instant oldest = null;
        for (List<Event> events : left.values()) {
            backlog += events.size();
            Instant first = events.get(0).occurredAt();
            oldest = oldest == null || first.isBefore(oldest) ? first : oldest;
        }
        metrics.relayRan(backlog, oldest == null ? Duration.ZERO : Duration.between(oldest, scheduler.instant()));
    }

    /** Marks, sends or leaves the unpublished events of one aggregate; returns how many it settled. */
    private int settle(AggregateRef aggregate, List<Event> events, List<Binding> bindings) {
        if (!bindings.isEmpty() && everyBindingAcked(events, bindings)) {
            // handled on another path (a sweeper, the gap fill of a later event): published in effect
            router.markPublished(events);
            return events.size();
        }
        if (router.relay(aggregate, Redrive.withLatest(log, aggregate, events)) == Router.Outcome.SENT) {
            return events.size();
        }
        Instant oldest = events.get(0).occurredAt();
        if (oldest.isBefore(scheduler.instant().minus(orphanAge))) {
            LOG.info("no service of {} has been live for {}; marking {} event(s) of {} published unsent (a binding"
                    + " that starts later reads them from the log)", aggregate.type(), orphanAge, events.size(), aggregate);
            router.markPublished(events);
            return events.size();
        }
        return 0;
    }

    private boolean everyBindingAcked(List<Event> events, List<Binding> bindings) {
        List<AckKey> keys = new ArrayList<>(events.size() * bindings.size());
        for (Event event : events) {
            for (Binding binding : bindings) {
                keys.add(AckKey.of(event.id(), binding));
            }
        }
        return acks.find(keys).keySet().containsAll(keys);
    }

    private static Map<AggregateType, List<Binding>> byType(Set<Binding> bindings) {
        Map<AggregateType, List<Binding>> byType = new HashMap<>();
        for (Binding binding : bindings) {
            byType.computeIfAbsent(binding.type(), type -> new ArrayList<>()).add(binding);
        }
        return byType;
    }
}
