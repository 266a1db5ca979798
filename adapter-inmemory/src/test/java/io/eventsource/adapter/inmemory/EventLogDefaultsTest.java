package io.eventsource.adapter.inmemory;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.tck.EventLogContract;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The event log contract on the port's default methods: a log that implements only what the port requires, over the
 * in-memory one, answers every batched read ({@code readAll}, {@code readAllLogged}, {@code newestPosition}) through
 * the defaults as an adapter's own would.
 */
class EventLogDefaultsTest extends EventLogContract {
    @Override
    protected EventLog newEventLog() {
        return new OnlyRequired(new InMemoryEventLog());
    }

    /** Forwards the port's abstract methods; everything else is the port's default. */
    private record OnlyRequired(EventLog log) implements EventLog {
        @Override
        public List<LoggedEvent> append(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
            return log.append(aggregate, expected, events);
        }

        @Override
        public long version(AggregateRef aggregate) {
            return log.version(aggregate);
        }

        @Override
        public List<Event> read(AggregateRef aggregate, long fromSequence, long toSequence) {
            return log.read(aggregate, fromSequence, toSequence);
        }

        @Override
        public LogPage read(LogQuery query) {
            return log.read(query);
        }

        @Override
        public List<LoggedEvent> unpublished(Instant occurredBefore, int limit) {
            return log.unpublished(occurredBefore, limit);
        }

        @Override
        public void markPublished(Collection<EventId> events, Instant at) {
            log.markPublished(events, at);
        }
    }
}
