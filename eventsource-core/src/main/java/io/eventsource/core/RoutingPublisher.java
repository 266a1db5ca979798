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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/** Appends, then routes and publishes; a broker failure after the append leaves the events to the relay. */
final class RoutingPublisher implements Publisher {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingPublisher.class);

    private final EventLog log;
    private final Router router;
    private final Scheduler scheduler;
    private final BooleanSupplier closed;

    RoutingPublisher(EventLog log, Router router, Scheduler scheduler, BooleanSupplier closed) {
        this.log = log;
        this.router = router;
        this.scheduler = scheduler;
        this.closed = closed;
    }

    @Override
    public Publication publish(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
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
        List<LoggedEvent> logged = log.append(aggregate, expected, events);
        List<Event> appended = new ArrayList<>(logged.size());
        for (LoggedEvent entry : logged) {
            appended.add(entry.event());
        }
        try {
            router.send(aggregate, appended);
            return new Publication.Sent(appended);
        } catch (RuntimeException e) {
            // the append stands: the log is the outbox, and the relay publishes what is left in it
            LOG.warn("appended {} event(s) to {} but could not publish them now; the relay will: {}",
                    appended.size(), aggregate, e.toString());
            return new Publication.Pending(appended, String.valueOf(e));
        }
    }

    @Override
    public Publication publish(AggregateRef aggregate, EventName name, Payload payload) {
        NewEvent event = new NewEvent(EventId.random(), name, payload, Map.of(), scheduler.instant());
        return publish(aggregate, ExpectedVersion.ANY, List.of(event));
    }
}
