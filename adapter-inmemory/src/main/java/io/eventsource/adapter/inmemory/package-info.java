/**
 * Every port in memory, on a virtual clock, for unit tests, property tests and the demo.
 *
 * <p>{@link io.eventsource.adapter.inmemory.VirtualScheduler} is the clock and scheduler that time stands still
 * on until a test moves it; {@link io.eventsource.adapter.inmemory.InMemoryBroker} simulates RabbitMQ as the
 * seed's flow uses it (expiring queues, auto-delete exchanges, single active consumer, idle cancel, crashes)
 * and hands out one {@link io.eventsource.ports.MessageBus} per connection. One Dagger module per port binds
 * them, each usable alone beside other adapters:
 * {@link io.eventsource.adapter.inmemory.VirtualTimeModule},
 * {@link io.eventsource.adapter.inmemory.InMemoryMessageBusModule},
 * {@link io.eventsource.adapter.inmemory.InMemoryEventLogModule},
 * {@link io.eventsource.adapter.inmemory.InMemoryAckStoreModule},
 * {@link io.eventsource.adapter.inmemory.InMemoryServiceRegistryModule} and
 * {@link io.eventsource.adapter.inmemory.InMemorySnapshotStoreModule};
 * {@link io.eventsource.adapter.inmemory.InMemoryModule} includes all six. Every adapter here passes the TCK's
 * contract suites.
 */
package io.eventsource.adapter.inmemory;
