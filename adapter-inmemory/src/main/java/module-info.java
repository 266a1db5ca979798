/**
 * Every port of eventsource in memory, with a virtual clock: {@code VirtualScheduler}, the broker simulation
 * {@code InMemoryBroker}, one Dagger module per port ({@code VirtualTimeModule}, {@code InMemoryMessageBusModule},
 * {@code InMemoryEventLogModule}, {@code InMemoryAckStoreModule}, {@code InMemoryServiceRegistryModule},
 * {@code InMemorySnapshotStoreModule}, {@code InMemoryCheckpointStoreModule}) and {@code InMemoryModule}, which includes them all. For unit tests, property tests and the demo.
 */
module io.eventsource.adapter.inmemory {
    requires transitive io.eventsource.ports;
    // the adapter's public face is its Dagger modules
    requires dagger;
    requires jakarta.inject;
    // Dagger's generated code may carry @javax.annotation.processing.Generated; needed at compile time only
    requires static java.compiler;

    exports io.eventsource.adapter.inmemory;
}
