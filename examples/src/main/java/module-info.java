/**
 * Compositions of the runtime with adapters, the demo ({@code io.eventsource.examples.Demo}) and the multi-process
 * scenario ({@code ServiceInstance}, {@code Producer}). Each composition is one Dagger component listing core's
 * module and the adapters' modules.
 */
module io.eventsource.examples {
    requires io.eventsource.core;
    // the adapters' modules and settings records, listed by the compositions
    requires io.eventsource.adapter.inmemory;
    requires io.eventsource.adapter.rabbitmq;
    requires io.eventsource.adapter.redis;
    requires io.eventsource.adapter.mysql;
    requires io.eventsource.adapter.postgresql;
    // the typed API's serializer (JacksonModule), listed by both compositions; the demo's events are records
    requires io.eventsource.jackson;
    // the compositions are Dagger components
    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated on the generated components
    requires static java.compiler;
    // the real stack logs what it could not close
    requires org.slf4j;

    exports io.eventsource.examples;
}
