package io.eventsource.domain;

/**
 * The name of a broker exchange, as {@link Topology} makes it.
 *
 * @param value 1-255 bytes of UTF-8 (AMQP's short-string limit), no control characters
 */
public record ExchangeName(String value) {
    /**
     * Checks the name against AMQP's rule for broker names.
     *
     * @throws InvalidValueException if the name is null or empty, over 255 bytes of UTF-8, or holds a control
     *         character
     */
    public ExchangeName {
        BrokerName.require("ExchangeName", value);
    }

    @Override
    public String toString() {
        return value;
    }
}
