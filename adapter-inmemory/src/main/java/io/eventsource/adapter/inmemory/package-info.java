/**
 * Every port in memory, on a virtual clock, for unit tests, property tests and the demo.
 *
 * <p>{@link io.eventsource.adapter.inmemory.VirtualScheduler} is the clock and scheduler that time stands still
 * on until a test moves it; {@link io.eventsource.adapter.inmemory.InMemoryBroker} simulates RabbitMQ as the
 * seed's flow uses it (expiring queues, auto-delete exchanges, single active consumer, idle cancel, crashes)
 * and hands out one {@link io.eventsource.ports.MessageBus} per connection;
 * {@link io.eventsource.adapter.inmemory.InMemoryModule} binds them with an in-memory event log, ack store,
 * registry and snapshot store for a Dagger component. Every adapter here passes the TCK's contract suites.
 */
package io.eventsource.adapter.inmemory;
