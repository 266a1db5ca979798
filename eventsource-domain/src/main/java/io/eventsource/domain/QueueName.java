package io.eventsource.domain;

/**
 * The name of a broker queue, as {@link Topology} makes it.
 *
 * @param value 1-255 bytes of UTF-8 (AMQP's short-string limit), no control characters
 */
public record QueueName(String value) {
    /**
     * Checks the name against AMQP's rule for broker names.
     *
     * @throws InvalidValueException if the name is null or empty, over 255 bytes of UTF-8, or holds a control
     *         character
     */
    public QueueName {
        BrokerName.require("QueueName", value);
    }

    @Override
    public String toString() {
        return value;
    }
}
