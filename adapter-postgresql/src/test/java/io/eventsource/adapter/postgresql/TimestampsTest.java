package io.eventsource.adapter.postgresql;

import io.eventsource.domain.InvalidValueException;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimestampsTest {
    @Test
    void holdsEveryInstantOfItsRangeToTheNanosecond() {
        for (Instant instant : new Instant[] {Timestamps.EARLIEST, Timestamps.LATEST, Instant.EPOCH,
                Instant.parse("1969-12-31T23:59:59.999999999Z"), Instant.parse("2030-01-01T00:00:00.123456789Z")}) {
            assertThat(Timestamps.fromColumn(Timestamps.toColumn(instant, "t"))).isEqualTo(instant);
        }
        assertThat(Timestamps.EARLIEST.toString()).startsWith("1677-09-21");
        assertThat(Timestamps.LATEST.toString()).startsWith("2262-04-11");
    }

    @Test
    void refusesInstantsOutsideItsRangeButClampsQueryBounds() {
        assertThatThrownBy(() -> Timestamps.toColumn(Instant.parse("2300-01-01T00:00:00Z"), "Event occurredAt"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("Event occurredAt must be between 1677");
        assertThat(Timestamps.bound(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
        assertThat(Timestamps.bound(Instant.MIN)).isEqualTo(Long.MIN_VALUE);
    }
}
