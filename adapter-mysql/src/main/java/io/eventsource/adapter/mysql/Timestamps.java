package io.eventsource.adapter.mysql;

import io.eventsource.domain.InvalidValueException;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * Instants as the {@code *_ns} columns hold them: nanoseconds since 1970-01-01T00:00Z in a BIGINT, exact
 * to the nanosecond, for the years 1677-2262. (DATETIME(6) would do on MySQL 8, but mysql-connector-j
 * drops the fractions of a second it sends to MariaDB 10, whose version it reads as 5.5.5.)
 */
final class Timestamps {
    static final Instant EARLIEST = Instant.ofEpochSecond(0, Long.MIN_VALUE);
    static final Instant LATEST = Instant.ofEpochSecond(0, Long.MAX_VALUE);

    private Timestamps() {
    }

    static long toColumn(Instant instant, String what) {
        return toColumn(instant, () -> what);
    }

    /** As {@link #toColumn(Instant, String)}, naming the value only when it is refused: for the per-row hot paths. */
    static long toColumn(Instant instant, Supplier<String> what) {
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new InvalidValueException(what.get() + " must be between " + EARLIEST + " and " + LATEST
                    + " to be stored in MySQL, got " + instant);
        }
        return nanos(instant);
    }

    /** For query bounds: clamped into the storable range rather than refused. */
    static long bound(Instant instant) {
        return instant.isBefore(EARLIEST) ? Long.MIN_VALUE : instant.isAfter(LATEST) ? Long.MAX_VALUE : nanos(instant);
    }

    static Instant fromColumn(long nanos) {
        return Instant.ofEpochSecond(0, nanos);
    }

    static Instant fromColumn(Long nanos) {
        return nanos == null ? null : fromColumn(nanos.longValue());
    }

    /** Only for instants within EARLIEST..LATEST, whose count fits a long (before 1970 the seconds are negative). */
    private static long nanos(Instant instant) {
        long seconds = instant.getEpochSecond();
        int nano = instant.getNano();
        return seconds < 0 && nano > 0 ? (seconds + 1) * 1_000_000_000L + (nano - 1_000_000_000L)
                : seconds * 1_000_000_000L + nano;
    }
}
