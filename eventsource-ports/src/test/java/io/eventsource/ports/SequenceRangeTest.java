package io.eventsource.ports;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.ports.SequenceRange.Window;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequenceRangeTest {

    @Test
    void gathersTheRangesOfOneTypeWithTheSameBoundsIntoAWindowTheLargestFirst() {
        List<SequenceRange> ranges = List.of(
                range("Order", "a", 7, 22),
                range("Order", "b", 1, 16),
                range("Order", "c", 1, 16),
                range("Invoice", "d", 1, 16),
                range("Order", "b", 1, 16),
                range("Order", "e", 1, 16));

        assertThat(SequenceRange.windows(ranges)).containsExactly(
                window("Order", 1, 16, "b", "c", "e"),
                window("Order", 7, 22, "a"),
                window("Invoice", 1, 16, "d"));
        assertThat(SequenceRange.windows(List.of())).isEmpty();
    }

    @Test
    void aWindowNamesOneOrMoreAggregates() {
        assertThatThrownBy(() -> new Window(AggregateType.of("Order"), 1, 16, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Order #1-16 needs one or more aggregate ids");
    }

    private static SequenceRange range(String type, String id, long from, long to) {
        return new SequenceRange(AggregateRef.of(type, id), from, to);
    }

    private static Window window(String type, long from, long to, String... ids) {
        return new Window(AggregateType.of(type), from, to, List.of(ids).stream().map(AggregateId::of).toList());
    }
}
