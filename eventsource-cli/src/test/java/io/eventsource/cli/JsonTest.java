package io.eventsource.cli;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTest {

    @Test
    void writesMapsInTheirOrderListsNumbersBooleansAndNull() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("namespace", "shop.");
        report.put("lag", 151L);
        report.put("live", true);
        report.put("bindings", List.of(Map.of("projection", "projections")));
        report.put("none", null);
        report.put("empty", List.of());

        assertThat(Json.write(report)).isEqualTo("{\"namespace\":\"shop.\",\"lag\":151,\"live\":true,"
                + "\"bindings\":[{\"projection\":\"projections\"}],\"none\":null,\"empty\":[]}");
    }

    @Test
    void escapesWhatAStringMayHold() {
        assertThat(Json.write(Arrays.asList("say \"no\"\\", "line\nnext\ttab\r", "\u0001", "é"))).isEqualTo(
                "[\"say \\\"no\\\"\\\\\",\"line\\nnext\\ttab\\r\",\"\\u0001\",\"é\"]");
    }
}
