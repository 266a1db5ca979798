package io.eventsource.adapter.mysql;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateType;
import io.eventsource.ports.SequenceRange.Window;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventStatementsTest {

    @Test
    void padsTheWindowsAndTheirIdListsToPowersOfTwo() {
        List<Window> windows = List.of(window("Order", 1, 16, "b", "c", "e"), window("Order", 7, 22, "a"),
                window("Invoice", 1, 16, "d"));

        String sql = EventStatements.inRangesSql("es_event", windows);

        String term = "(aggregate_type = ? AND aggregate_sequence BETWEEN ? AND ? AND aggregate_id IN (";
        assertThat(sql).startsWith("SELECT global_position, event_id, aggregate_type, aggregate_id,")
                .contains(" FROM es_event WHERE " + term + "?,?,?,?)) OR ")
                .endsWith(" OR " + term + "?)) OR " + term + "?)) OR " + term + "?))");
    }

    private static Window window(String type, long from, long to, String... ids) {
        return new Window(AggregateType.of(type), from, to,
                Arrays.stream(ids).map(AggregateId::of).toList());
    }
}
