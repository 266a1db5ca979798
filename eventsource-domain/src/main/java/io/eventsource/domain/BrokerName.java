package io.eventsource.domain;

import java.nio.charset.StandardCharsets;

/** AMQP's rule for exchange and queue names: a short string, 1-255 bytes of UTF-8, no control characters. */
final class BrokerName {
    static final int MAX_BYTES = 255;

    private BrokerName() {
    }

    static String require(String kind, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidValueException(kind + " must be 1-" + MAX_BYTES + " bytes of UTF-8, got "
                    + (value == null ? "null" : "an empty name"));
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new InvalidValueException(kind + " must be at most " + MAX_BYTES
                    + " bytes of UTF-8 (AMQP short string), got " + bytes + " bytes: \"" + Names.abbreviate(value)
                    + "\"; shorten the namespace, aggregate type, aggregate id or service name");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidValueException(kind + " must not contain control characters, got \""
                        + Names.abbreviate(value) + "\"");
            }
        }
        return value;
    }
}
