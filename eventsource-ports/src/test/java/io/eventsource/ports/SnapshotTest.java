package io.eventsource.ports;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Payload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotTest {
    private static final AggregateRef ORDER = AggregateRef.of("Order", "7");

    @Test
    void refusesASnapshotOfNoEventsNamingTheAggregate() {
        assertThatThrownBy(() -> new Snapshot(ORDER, 0, Payload.json("{}")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("Snapshot version must be 1 or more (the last sequence in the state), got 0 for Order-7");
    }

    @Test
    void saysWhichAggregateAndVersionItHolds() {
        assertThat(new Snapshot(ORDER, 12, Payload.json("{}"))).hasToString(
                "Snapshot[Order-7@12, Payload[application/json, 2 bytes]]");
    }
}
