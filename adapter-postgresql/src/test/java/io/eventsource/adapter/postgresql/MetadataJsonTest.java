package io.eventsource.adapter.postgresql;

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

    /** The text of these rows is what the adapter's own writer stored before the column went through Jackson. */
    @Test
    void readsMetadataStoredBeforeJacksonAsItReadThen() {
        assertThat(MetadataJson.read("{\"correlation-id\":\"c-9\",\"note\":\"say \\\"hi\\\"\\n\\tthen\\rbye\","
                + "\"path\":\"C:\\\\tmp/x\",\"user\":\"zo\u00eb \ud83d\ude00\"}"))
                .isEqualTo(Map.of("correlation-id", "c-9", "note", "say \"hi\"\n\tthen\rbye", "path", "C:\\tmp/x",
                        "user", "zo\u00eb \ud83d\ude00"));
        assertThat(MetadataJson.read("{\"ctl\":\"\\u0001\\u001f\\u0008\\u000c\"}"))
                .isEqualTo(Map.of("ctl", "\u0001\u001f\b\f"));
    }

    @Test
    void writesMetadataAsTheAdapterWroteItBeforeJackson() {
        assertThat(MetadataJson.write(Map.of("user", "zo\u00eb \ud83d\ude00", "path", "C:\\tmp/x",
                "note", "say \"hi\"\n\tthen\rbye", "correlation-id", "c-9")))
                .isEqualTo("{\"correlation-id\":\"c-9\",\"note\":\"say \\\"hi\\\"\\n\\tthen\\rbye\","
                        + "\"path\":\"C:\\\\tmp/x\",\"user\":\"zo\u00eb \ud83d\ude00\"}");
    }

    @Test
    void refusesWhatIsNotAnObjectOfStrings() {
        assertThatThrownBy(() -> MetadataJson.read("{\"k\": 1}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a JSON object of strings");
        assertThatThrownBy(() -> MetadataJson.read("{\"k\":\"v\"} trailing")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetadataJson.read("[\"k\"]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an object");
        assertThatThrownBy(() -> MetadataJson.read("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetadataJson.read("{\"k\": null}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the value of \"k\" is NULL, not a string");
    }
}
