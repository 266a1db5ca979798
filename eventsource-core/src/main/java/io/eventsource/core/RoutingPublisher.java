package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.TransientPortException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * Appends, then routes and publishes; a broker failure after the append leaves the events to the relay. Transient
 * failures are retried until the publish deadline: the append (a retried append that was written after all is
 * recognised by the log from the events' ids), then the send.
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

    RoutingPublisher(EventLog log, Router router, Scheduler scheduler, BooleanSupplier closed, Duration deadline) {
        this.log = log;
        this.router = router;
        this.scheduler = scheduler;
        this.closed = closed;
        this.deadline = deadline;
    }

    @Override
    public CompletionStage<Publication> publishAsync(AggregateRef aggregate, ExpectedVersion expected,
                                                     List<NewEvent> events) {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            throw new IllegalArgumentException("publish needs at least one event for " + aggregate);
        }
        for (NewEvent event : events) {
            Objects.requireNonNull(event, "events must not contain null");
        }
        if (closed.getAsBoolean()) {
            throw new IllegalStateException("this eventsource runtime is closed; nothing was appended to " + aggregate);
        }
        Attempts attempts = new Attempts(aggregate, List.copyOf(events), expected, scheduler.instant().plus(deadline));
        attempts.append(1);
        return attempts.result;
    }

    @Override
    public CompletionStage<Publication> publishAsync(AggregateRef aggregate, EventName name, Payload payload) {
        NewEvent event = new NewEvent(EventId.random(), name, payload, Map.of(), scheduler.instant());
        return publishAsync(aggregate, ExpectedVersion.ANY, List.of(event));
    }

    /** One publish's way through its tries, the first on the caller's thread, retries on the scheduler. */
    private final class Attempts {
        private final AggregateRef aggregate;
        private final List<NewEvent> events;
        private final ExpectedVersion expected;
        private final Instant giveUpAt;
        private final CompletableFuture<Publication> result = new CompletableFuture<>();

        Attempts(AggregateRef aggregate, List<NewEvent> events, ExpectedVersion expected, Instant giveUpAt) {
            this.aggregate = aggregate;
            this.events = events;
            this.expected = expected;
            this.giveUpAt = giveUpAt;
        }

        void append(int attempt) {
            List<Event> appended;
            try {
                List<LoggedEvent> logged = log.append(aggregate, expected, events);
                appended = new ArrayList<>(logged.size());
                for (LoggedEvent entry : logged) {
                    appended.add(entry.event());
                }
            } catch (TransientPortException e) {
                if (!retry(attempt, () -> append(attempt + 1))) {
                    result.completeExceptionally(new EventLogUnavailableException(aggregate, events.size(), deadline, e));
                } else {
                    LOG.debug("could not append to {} (try {}); trying again: {}", aggregate, attempt, e.toString());
                }
                return;
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            send(List.copyOf(appended), 1);
        }

        void send(List<Event> appended, int attempt) {
            try {
                Router.Outcome outcome = router.send(aggregate, appended);
                if (outcome == Router.Outcome.SENT) {
                    result.complete(new Publication.Sent(appended));
                } else {
                    LOG.warn("appended {} event(s) to {}, but the registry names no live service of {}; they stay"
                                    + " unpublished and the relay sends them once a service heart-beats",
                            appended.size(), aggregate, aggregate.type());
                    result.complete(new Publication.Pending(appended, "no live service of " + aggregate.type()
                            + " in the registry"));
                }
            } catch (TransientPortException e) {
                if (!closed.getAsBoolean() && retry(attempt, () -> send(appended, attempt + 1))) {
                    LOG.debug("could not publish {} event(s) of {} (try {}); trying again: {}", appended.size(),
                            aggregate, attempt, e.toString());
                    return;
                }
                pending(appended, e);
            } catch (RuntimeException e) {
                pending(appended, e);
            }
        }

        private void pending(List<Event> appended, RuntimeException e) {
            // the append stands: the log is the outbox, and the relay publishes what is left in it
            LOG.warn("appended {} event(s) to {} but could not publish them now; the relay will: {}",
                    appended.size(), aggregate, e.toString());
            result.complete(new Publication.Pending(appended, String.valueOf(e)));
        }

        /** Schedules the next try unless it would start after the deadline; false if it would. */
        private boolean retry(int attempt, Runnable next) {
            Duration backoff = backoff(attempt);
            if (scheduler.instant().plus(backoff).isAfter(giveUpAt)) {
                return false;
            }
            scheduler.schedule(backoff, () -> {
                try {
                    next.run();
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                }
            });
            return true;
        }

        /**
         * Doubling from {@link #FIRST_BACKOFF} up to {@link #MAX_BACKOFF}, plus up to half again of jitter. The
         * jitter comes from the aggregate and the try, not a random source, so that a run on the virtual clock
         * replays exactly, while publishers of different aggregates still spread out.
         */
        private Duration backoff(int attempt) {
            long base = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 10));
            long jitter = Math.floorMod(31L * aggregate.hashCode() + attempt, base / 2 + 1);
            return Duration.ofMillis(base + jitter);
        }
    }
}
