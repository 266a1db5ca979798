package io.eventsource.adapter.postgresql;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MetadataJsonProperties {
    @Property(tries = 200)
    void metadataReadsBackExactlyAsWritten(@ForAll Map<String, String> metadata) {
        assertThat(MetadataJson.read(MetadataJson.write(metadata))).isEqualTo(metadata);
    }
}
