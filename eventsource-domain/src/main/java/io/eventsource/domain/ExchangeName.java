package io.eventsource.domain;

/**
 * The name of a broker exchange, as {@link Topology} makes it.
 *
 * @param value 1-255 bytes of UTF-8 (AMQP's short-string limit), no control characters
 */
public record ExchangeName(String value) {
    public ExchangeName {
        BrokerName.require("ExchangeName", value);
    }

    @Override
    public String toString() {
        return value;
    }
}
