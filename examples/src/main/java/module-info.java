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
    // the compositions are Dagger components
    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated on the generated components
    requires static java.compiler;
    // a demo run in a namespace of its own drops it afterwards: the durable announcement queues on the broker
    // (amqp-client, an automatic module named in its manifest) and the tables (JDBC; the driver is found as a
    // java.sql.Driver service, never required by name)
    requires com.rabbitmq.client;
    requires java.sql;
    requires org.slf4j;

    exports io.eventsource.examples;
}
