package io.eventsource.tck;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.PermanentPortException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An ack store for the TCK's own tests, in memory, with the time range of a SQL store (nanoseconds in a 64-bit
 * column). Correct, it checks every ack of a call before it writes the first and keeps times to the nanosecond;
 * {@link #writingBeforeChecking()} and {@link #keepingMilliseconds()} are deliberately broken.
 */
final class SimpleAckStore implements AckStore {
    private final boolean checkFirst;
    private final ChronoUnit precision;
    private final Map<AckKey, Ack> acks = new LinkedHashMap<>();

    private SimpleAckStore(boolean checkFirst, ChronoUnit precision) {
        this.checkFirst = checkFirst;
        this.precision = precision;
    }

    static SimpleAckStore correct() {
        return new SimpleAckStore(true, ChronoUnit.NANOS);
    }

    /** Broken: writes the acks of a call one at a time, and fails at the first it cannot hold. */
    static SimpleAckStore writingBeforeChecking() {
        return new SimpleAckStore(false, ChronoUnit.NANOS);
    }

    /** Broken: keeps an ack's time to the millisecond, as a DATETIME(3) column would. */
    static SimpleAckStore keepingMilliseconds() {
        return new SimpleAckStore(true, ChronoUnit.MILLIS);
    }

    @Override
    public synchronized CompletionStage<Void> record(Collection<Ack> batch) {
        if (checkFirst) {
            for (Ack ack : batch) {
                requireHoldable(ack);
            }
        }
        for (Ack ack : batch) {
            if (!checkFirst && !holdable(ack.at())) {
                return CompletableFuture.failedFuture(new PermanentPortException("the store refused the time of "
                        + ack.key() + ": " + ack.at()));
            }
            Ack stored = new Ack(ack.key(), ack.status(), ack.attempts(), ack.lastError(), ack.aggregate(), ack.sequence(),
                    ack.at().truncatedTo(precision));
            acks.merge(ack.key(), stored, Ack::mergedWith);
        }
        return CompletableFuture.completedFuture(null);
    }

    private static void requireHoldable(Ack ack) {
        if (!holdable(ack.at())) {
            throw new InvalidValueException("the time of " + ack.key() + " must be between " + SimpleEventLog.EARLIEST
                    + " and " + SimpleEventLog.LATEST + ", got " + ack.at());
        }
    }

    private static boolean holdable(Instant at) {
        return !at.isBefore(SimpleEventLog.EARLIEST) && !at.isAfter(SimpleEventLog.LATEST);
    }

    @Override
    public synchronized Map<AckKey, Ack> find(Collection<AckKey> keys) {
        Map<AckKey, Ack> found = new HashMap<>();
        for (AckKey key : keys) {
            Ack ack = acks.get(key);
            if (ack != null) {
                found.put(key, ack);
            }
        }
        return found;
    }

    @Override
    public synchronized long lastSequence(ServiceName service, Projection projection, AggregateRef aggregate) {
        long last = 0;
        for (Ack ack : acks.values()) {
            if (ofBinding(ack, service, projection) && ack.aggregate().equals(aggregate)) {
                last = Math.max(last, ack.sequence());
            }
        }
        return last;
    }

    @Override
    public synchronized Set<EventId> acknowledged(ServiceName service, Projection projection, Collection<EventId> events) {
        Set<EventId> found = new HashSet<>();
        for (EventId event : events) {
            if (acks.containsKey(new AckKey(event, service, projection))) {
                found.add(event);
            }
        }
        return found;
    }

    @Override
    public synchronized List<Ack> failures(ServiceName service, Projection projection, int limit) {
        List<Ack> failures = new ArrayList<>();
        for (Ack ack : acks.values()) {
            if (ofBinding(ack, service, projection) && !ack.isOk()) {
                failures.add(ack);
            }
        }
        failures.sort(Comparator.comparing(Ack::at));
        return List.copyOf(failures.subList(0, Math.min(limit, failures.size())));
    }

    @Override
    public synchronized void forget(Binding binding, Collection<EventId> events) {
        for (EventId event : events) {
            acks.remove(AckKey.of(event, binding));
        }
    }

    private static boolean ofBinding(Ack ack, ServiceName service, Projection projection) {
        return ack.key().service().equals(service) && ack.key().projection().equals(projection);
    }
}
