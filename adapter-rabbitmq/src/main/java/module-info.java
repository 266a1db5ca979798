/**
 * {@code MessageBus} on RabbitMQ's amqp-client. The public face is {@code RabbitMqModule} (Dagger) and
 * {@code RabbitMqSettings}; the implementation is package-private.
 */
module io.eventsource.adapter.rabbitmq {
    requires transitive io.eventsource.ports;
    // amqp-client (automatic module, name from its manifest); not transitive: the bus opens its own connection, so
    // no amqp-client type appears in a user's component
    requires com.rabbitmq.client;
    requires org.slf4j;
    requires dagger;
    requires jakarta.inject;
    // Dagger may annotate generated factories with @javax.annotation.processing.Generated
    requires static java.compiler;

    exports io.eventsource.adapter.rabbitmq;
}
