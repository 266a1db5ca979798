/**
 * Every port of eventsource in memory, with a virtual clock: {@code VirtualScheduler}, the broker simulation
 * {@code InMemoryBroker} and the Dagger module {@code InMemoryModule} that binds them with the in-memory event
 * log, ack store, registry and snapshot store. For unit tests, property tests and the demo.
 */
module io.eventsource.adapter.inmemory {
    requires transitive io.eventsource.ports;
    // InMemoryModule is a Dagger module
    requires dagger;
    requires jakarta.inject;
    // Dagger's generated code may carry @javax.annotation.processing.Generated; needed at compile time only
    requires static java.compiler;

    exports io.eventsource.adapter.inmemory;
}
