package io.eventsource.domain;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A fresh event id is a version 7 UUID: unique, valid, and in the order of the millisecond it was made. */
class EventIdProperties {
    /** The largest millisecond a version 7 UUID holds (48 bits): in the year 10889. */
    private static final long LAST_MILLISECOND = (1L << 48) - 1;

    @Example
    void aFreshIdIsAVersion7UuidOfTheMillisecondItWasMade() {
        long before = System.currentTimeMillis();
        EventId id = EventId.random();
        long after = System.currentTimeMillis();

        UUID uuid = UUID.fromString(id.value());
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(uuid.getMostSignificantBits() >>> 16).isBetween(before, after);
        assertThat(EventId.of(id.value())).isEqualTo(id);
    }

    @Example
    void idsMadeInTheSameMillisecondsDiffer() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(EventId.random().value());
        }
        assertThat(ids).hasSize(100_000);
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
