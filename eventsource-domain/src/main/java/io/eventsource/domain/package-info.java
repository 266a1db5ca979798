/**
 * Events, identifiers and the rules of carrying them.
 *
 * <p>The seed's flow in domain words: a producer appends an {@link io.eventsource.domain.Event} of an
 * {@link io.eventsource.domain.AggregateRef aggregate} (say {@code Product-42}), then publishes it to the
 * aggregate's exchange and announces the aggregate id on {@code ProductAggregateIds}; every live service
 * that {@link io.eventsource.domain.Binding binds} a projection to {@code Product} consumes
 * {@code Product-42-{service}}, handles the event and records an {@link io.eventsource.domain.Ack}.
 * {@link io.eventsource.domain.Topology} names the broker objects and registry keys,
 * {@link io.eventsource.domain.ExpiryPolicy} holds the seed's 5 s / 30 s durations, and
 * {@link io.eventsource.domain.QueueUsage}, {@link io.eventsource.domain.ConsumerActivity} and
 * {@link io.eventsource.domain.ExchangeUsage} state when consumers, queues and exchanges go away.
 */
package io.eventsource.domain;
