package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.ports.Cancellable;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes the events that are still unpublished in the log a grace period after they occurred: those whose
 * publish failed in a broker outage (or whose producer died between append and publish). Runs on the
 * scheduler; one run at a time.
 */
final class Relay {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    /** Upper bound of batches per run, so that a log that never marks events published cannot spin a run forever. */
    private static final int MAX_BATCHES_PER_RUN = 20;

    private final EventLog log;
    private final Router router;
    private final Scheduler scheduler;
    private final Duration grace;
    private final Duration interval;
    private final int batchSize;
    private Cancellable task;
    private boolean running;

    Relay(EventLog log, Router router, Scheduler scheduler, EventsourceOptions options) {
        this.log = log;
        this.router = router;
        this.scheduler = scheduler;
        this.grace = options.relayGracePeriod();
        this.interval = options.relayInterval();
        this.batchSize = options.relayBatchSize();
    }

    synchronized void start() {
        if (task == null) {
            task = scheduler.scheduleAtFixedRate(interval, interval, this::runOnce);
        }
    }

    synchronized void stop() {
        if (task != null) {
            task.cancel();
        }
    }

    /**
     * The relayed events, followed by the aggregate's latest event if it is later: events appended after the
     * relayed ones were published while these were not, perhaps before some service had a queue for the
     * aggregate. The latest event makes such a service see the gap and fill it from the log; services that had
     * it skip it as a duplicate.
     */
    private List<Event> withLatest(AggregateRef aggregate, List<Event> relayed) {
        long last = relayed.get(relayed.size() - 1).sequence();
        long version = log.version(aggregate);
        if (version <= last) {
            return relayed;
        }
        List<Event> events = new ArrayList<>(relayed);
        events.addAll(log.read(aggregate, version, version));
        return events;
    }

    /** Publishes what is due now; returns how many events it published. Never throws. */
    int runOnce() {
        synchronized (this) {
            if (running) {
                return 0;
            }
            running = true;
        }
        int published = 0;
        try {
            for (int batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
                List<LoggedEvent> due = log.unpublished(scheduler.instant().minus(grace), batchSize);
                Map<AggregateRef, List<Event>> byAggregate = new LinkedHashMap<>();
                for (LoggedEvent entry : due) {
                    byAggregate.computeIfAbsent(entry.event().aggregate(), a -> new ArrayList<>()).add(entry.event());
                }
                for (Map.Entry<AggregateRef, List<Event>> entry : byAggregate.entrySet()) {
                    router.send(entry.getKey(), withLatest(entry.getKey(), entry.getValue()));
                    published += entry.getValue().size();
                }
                if (due.size() < batchSize) {
                    break;
                }
            }
            if (published > 0) {
                LOG.info("relayed {} unpublished event(s)", published);
            }
        } catch (RuntimeException e) {
            LOG.warn("relay stopped after {} event(s) this run; it tries again in {}: {}", published, interval,
                    e.toString());
        } finally {
            synchronized (this) {
                running = false;
            }
        }
        return published;
    }
}
