package io.eventsource.domain;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import java.time.Instant;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A time-ordered event id is a version 7 UUID: unique, valid, and in the order of the millisecond it was made. */
class EventIdProperties {
    private static final long LAST_MILLISECOND = EventId.LAST_MILLISECOND;

    @Example
    void aTimeOrderedIdIsAVersion7UuidOfItsMillisecond() {
        Instant at = Instant.parse("2030-01-01T00:00:00.123456Z");
        EventId id = EventId.timeOrdered(at);

        UUID uuid = UUID.fromString(id.value());
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(at.toEpochMilli());
        assertThat(EventId.of(id.value())).isEqualTo(id);
    }

    @Example
    void idsOfTheSameMillisecondDiffer() {
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(EventId.timeOrdered(at).value());
        }
        assertThat(ids).hasSize(100_000);
    }

    @Example
    void aTimeOutsideTheUuidsRangeTakesItsNearestEnd() {
        assertThat(millisecondOf(EventId.timeOrdered(Instant.parse("1969-12-31T23:59:59Z")))).isZero();
        assertThat(millisecondOf(EventId.timeOrdered(Instant.MIN))).isZero();
        assertThat(millisecondOf(EventId.timeOrdered(Instant.MAX))).isEqualTo(LAST_MILLISECOND);
        assertThat(UUID.fromString(EventId.timeOrdered(Instant.MAX).value()).version()).isEqualTo(7);
    }

    @Example
    void aRandomIdIsAVersion4Uuid() {
        assertThat(UUID.fromString(EventId.random().value()).version()).isEqualTo(4);
    }

    private static long millisecondOf(EventId id) {
        return UUID.fromString(id.value()).getMostSignificantBits() >>> 16;
    }

    @Property(tries = 200)
    void anIdOfALaterMillisecondSortsAfterAsTextAndAsAUuid(@ForAll @LongRange(max = LAST_MILLISECOND - 1) long earlier,
                                                           @ForAll @LongRange(min = 1, max = LAST_MILLISECOND) long later,
                                                           @ForAll long seed) {
        long first = Math.min(earlier, later - 1);
        Random random = new Random(seed);
        UUID a = EventId.timeOrdered(first, random);
        UUID b = EventId.timeOrdered(later, random);

        // the stores compare ids as ASCII text (binary collation): lower-case hex of fixed width sorts as the number
        assertThat(a.toString()).isLessThan(b.toString());
        assertThat(Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits())).isNegative();
        assertThat(a.version()).isEqualTo(7);
        assertThat(b.variant()).isEqualTo(2);
        assertThat(a.getMostSignificantBits() >>> 16).isEqualTo(first);
        assertThat(b.getMostSignificantBits() >>> 16).isEqualTo(later);
    }
}
