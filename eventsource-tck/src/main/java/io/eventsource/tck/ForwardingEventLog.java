package io.eventsource.tck;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.ports.Append;
import io.eventsource.ports.AppendOutcome;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * An {@link EventLog} that hands every call to another one: tests extend it to observe or break one or two calls
 * (count batch appends, fail the next append) without restating the rest of the port.
 */
public abstract class ForwardingEventLog implements EventLog {
    private final EventLog delegate;

    /** A log that forwards to {@code delegate}. */
    protected ForwardingEventLog(EventLog delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The log every call is handed to. */
    protected final EventLog delegate() {
        return delegate;
    }

    @Override
    public List<LoggedEvent> append(AggregateRef aggregate, ExpectedVersion expected, List<NewEvent> events) {
        return delegate.append(aggregate, expected, events);
    }

    /** Forwards the batch as one call, so that the delegate's own batching is what a test sees. */
    @Override
    public List<AppendOutcome> appendAll(List<Append> appends) {
        return delegate.appendAll(appends);
    }

    @Override
    public long version(AggregateRef aggregate) {
        return delegate.version(aggregate);
    }

    @Override
    public List<Event> read(AggregateRef aggregate, long fromSequence, long toSequence) {
        return delegate.read(aggregate, fromSequence, toSequence);
    }

    @Override
    public List<List<Event>> readAll(List<SequenceRange> ranges) {
        return delegate.readAll(ranges);
    }

    @Override
    public List<List<LoggedEvent>> readAllLogged(List<SequenceRange> ranges) {
        return delegate.readAllLogged(ranges);
    }

    @Override
    public LogPage read(LogQuery query) {
        return delegate.read(query);
    }

    @Override
    public long newestPosition(AggregateType type) {
        return delegate.newestPosition(type);
    }

    @Override
    public List<LoggedEvent> unpublished(Instant occurredBefore, int limit) {
        return delegate.unpublished(occurredBefore, limit);
    }

    @Override
    public void markPublished(Collection<EventId> events, Instant at) {
        delegate.markPublished(events, at);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
