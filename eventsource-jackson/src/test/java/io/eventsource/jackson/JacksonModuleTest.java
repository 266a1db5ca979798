package io.eventsource.jackson;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventType;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.SerializedEvent;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The module binds the serializer on the component's settings, or on the defaults when the component binds none. */
class JacksonModuleTest {

    @EventType(version = 2)
    public record PriceChanged(long cents, String currency) {
    }

    @Singleton
    @Component(modules = JacksonModule.class)
    interface Defaults {
        EventSerializer serializer();
    }

    @Singleton
    @Component(modules = JacksonModule.class)
    interface Configured {
        EventSerializer serializer();

        @Component.Factory
        interface Factory {
            Configured create(@BindsInstance JacksonSettings settings);
        }
    }

    @Test
    void bindsOneSerializerOnTheDefaultsWithoutSettings() {
        Defaults component = DaggerJacksonModuleTest_Defaults.create();

        assertThat(component.serializer()).isSameAs(component.serializer());
        assertThat(component.serializer().serialize(new PriceChanged(1299, "EUR")).payload().asText())
                .isEqualTo("{\"cents\":1299,\"currency\":\"EUR\"}");
    }

    @Test
    void bindsTheSerializerOnTheSettingsTheComponentIsGiven() {
        EventSerializer serializer = DaggerJacksonModuleTest_Configured.factory().create(JacksonSettings.defaults()
                .withUpcaster(PriceChanged.class, 1, v1 -> v1.put("currency", "EUR"))).serializer();
        EventSerializer plain = DaggerJacksonModuleTest_Defaults.create().serializer();
        SerializedEvent version1 = plain.serialize(new PriceChangedV1(1299));

        assertThat(serializer.deserialize(new Event(EventId.of("e-1"), AggregateRef.of("Product", "1"), 1,
                version1.name(), version1.payload(), Map.of(), Instant.EPOCH), PriceChanged.class))
                .isEqualTo(new PriceChanged(1299, "EUR"));
    }

    /** The first shape of PriceChanged: no currency. */
    @EventType("PriceChanged")
    public record PriceChangedV1(long cents) {
    }
}
