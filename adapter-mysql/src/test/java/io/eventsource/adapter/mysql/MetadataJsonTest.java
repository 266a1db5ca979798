package io.eventsource.adapter.mysql;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetadataJsonTest {
    @Test
    void writesAJsonObjectOfStringsWithSortedKeys() {
        assertThat(MetadataJson.write(Map.of())).isEqualTo("{}");
        assertThat(MetadataJson.write(Map.of("b", "2", "a", "say \"hi\"\n"))).isEqualTo("{\"a\":\"say \\\"hi\\\"\\n\",\"b\":\"2\"}");
    }

    @Test
    void readsJsonWrittenByOthers() {
        assertThat(MetadataJson.read(" { \"k\" : \"v\\u00e9\\/\" , \"x\":\"\" } ")).isEqualTo(Map.of("k", "vé/", "x", ""));
    }

    @Test
    void refusesWhatIsNotAnObjectOfStrings() {
        assertThatThrownBy(() -> MetadataJson.read("{\"k\": 1}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a JSON object of strings");
        assertThatThrownBy(() -> MetadataJson.read("{\"k\":\"v\"} trailing")).isInstanceOf(IllegalArgumentException.class);
    }
}
