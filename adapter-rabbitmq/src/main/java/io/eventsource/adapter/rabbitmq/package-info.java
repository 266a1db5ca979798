/**
 * The {@link io.eventsource.ports.MessageBus} on RabbitMQ. Compose it with {@link
 * io.eventsource.adapter.rabbitmq.RabbitMqModule} and configure it with {@link
 * io.eventsource.adapter.rabbitmq.RabbitMqSettings} ({@code EVENTSOURCE_AMQP_URI}, {@code EVENTSOURCE_NAMESPACE}).
 *
 * <p>On the broker: the seed's topology under the namespace (durable announcement exchange and queues; per
 * aggregate an auto-delete exchange and {@code x-expires}, single-active-consumer queues); events as persistent,
 * publisher-confirmed, mandatory messages in envelope version 1 (see the codec's documentation: headers
 * {@code es-envelope-version}, {@code es-event-id}, {@code es-aggregate-type}, {@code es-aggregate-id},
 * {@code es-sequence}, {@code es-event-name}, {@code es-occurred-at}, {@code es-meta-*}; the payload's content type
 * as the AMQP content-type; the payload as body). A message on our queues that is not such an envelope is logged,
 * counted and rejected without requeue.
 *
 * <p>After a lost connection the client reconnects by itself and re-creates only the announcement topology and its
 * consumers; aggregate subscriptions end with {@link io.eventsource.ports.EndReason#CONNECTION_LOST}.
 */
package io.eventsource.adapter.rabbitmq;
