package io.eventsource.adapter.fake;

import com.rabbitmq.client.Channel;

/** Breaks: the RabbitMQ client belongs to the RabbitMQ adapter. */
final class FakeUsingRabbitMq {
    Channel channel;
}
