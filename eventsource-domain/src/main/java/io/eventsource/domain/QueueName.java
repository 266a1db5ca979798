package io.eventsource.domain;

/**
 * The name of a broker queue, as {@link Topology} makes it.
 *
 * @param value 1-255 bytes of UTF-8 (AMQP's short-string limit), no control characters
 */
public record QueueName(String value) {
    public QueueName {
        BrokerName.require("QueueName", value);
    }

    @Override
    public String toString() {
        return value;
    }
}
