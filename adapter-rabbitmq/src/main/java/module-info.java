/** MessageBus on RabbitMQ's amqp-client. */
module io.eventsource.adapter.rabbitmq {
    requires transitive io.eventsource.ports;
}
