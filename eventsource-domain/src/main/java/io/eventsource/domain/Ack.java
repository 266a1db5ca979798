package io.eventsource.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The record that a binding handled an event: the seed's ack row, with the attempts it took and the
 * last error. The rules: one ack per {@link AckKey}; {@link AckStatus#OK} is final; a {@link AckStatus#FAIL}
 * may later become OK; attempts add up ({@link #mergedWith}).
 *
 * @param key event, service and projection
 * @param status ok or fail
 * @param attempts handler invocations so far, 1 or more
 * @param lastError the last failure's description, truncated to {@link #MAX_ERROR_LENGTH}; empty if none
 * @param aggregate the event's aggregate
 * @param sequence the event's sequence in its aggregate
 * @param at when this outcome was recorded
 */
public record Ack(AckKey key, AckStatus status, int attempts, String lastError, AggregateRef aggregate, long sequence,
                  Instant at) {
    /** Longest error text kept; longer ones are cut, never stored unbounded. */
    public static final int MAX_ERROR_LENGTH = 1000;

    /**
     * Truncates {@code lastError} to {@link #MAX_ERROR_LENGTH} characters (null becomes empty).
     *
     * @throws NullPointerException if {@code key}, {@code status}, {@code aggregate} or {@code at} is null
     * @throws InvalidValueException if {@code attempts} or {@code sequence} is below 1
     */
    public Ack {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(at, "at");
        if (attempts < 1) {
            throw new InvalidValueException("Ack attempts must be 1 or more, got " + attempts);
        }
        if (sequence < 1) {
            throw new InvalidValueException("Ack sequence must be 1 or more, got " + sequence);
        }
        lastError = truncate(lastError == null ? "" : lastError);
    }

    /** A successful handling of the event by the binding. */
    public static Ack ok(Event event, Binding binding, int attempts, Instant at) {
        return new Ack(AckKey.of(event.id(), binding), AckStatus.OK, attempts, "", event.aggregate(), event.sequence(), at);
    }

    /** A failed handling of the event by the binding, after {@code attempts} tries. */
    public static Ack fail(Event event, Binding binding, int attempts, String error, Instant at) {
        return new Ack(AckKey.of(event.id(), binding), AckStatus.FAIL, attempts, error, event.aggregate(), event.sequence(), at);
    }

    /** Whether the binding handled the event successfully; such an ack is final. */
    public boolean isOk() {
        return status == AckStatus.OK;
    }

    /**
     * The ack that stands after {@code later} is recorded over this one: an OK stays as it is (ok is final);
     * otherwise {@code later}'s outcome with the attempts of both.
     *
     * @throws IllegalArgumentException if {@code later} is for another key
     */
    public Ack mergedWith(Ack later) {
        if (!key.equals(later.key)) {
            throw new IllegalArgumentException("cannot merge acks of different keys: " + key + " and " + later.key);
        }
        if (isOk()) {
            return this;
        }
        return new Ack(key, later.status, attempts + later.attempts, later.lastError, aggregate, sequence, later.at);
    }

    private static String truncate(String error) {
        return error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH - 3) + "...";
    }
}
