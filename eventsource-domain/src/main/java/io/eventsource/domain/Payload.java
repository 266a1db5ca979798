package io.eventsource.domain;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The body of an event: opaque bytes and the content type that says how to read them. Immutable: the
 * bytes are copied in and out.
 *
 * @param bytes the body, possibly empty
 * @param contentType a media type such as {@code application/json}: 1-100 characters, no spaces or control characters
 */
public record Payload(byte[] bytes, String contentType) {
    /** The content type of JSON bodies, as {@link #json} sets it. */
    public static final String JSON = "application/json";
    /** The content type of UTF-8 text bodies, as {@link #text} sets it. */
    public static final String TEXT = "text/plain;charset=utf-8";
    private static final Pattern CONTENT_TYPE = Pattern.compile("[\\x21-\\x7E]+");

    /**
     * Copies the bytes, so later changes to the caller's array do not reach the event.
     *
     * @throws InvalidValueException if {@code bytes} is null (use an empty array for no body), or the content type
     *         is not 1-100 printable ASCII characters without spaces
     */
    public Payload {
        if (bytes == null) {
            throw new InvalidValueException("Payload bytes must not be null; use an empty array for no body");
        }
        Names.require("Payload content type", contentType, 100, CONTENT_TYPE, "printable ASCII without spaces");
        bytes = bytes.clone();
    }

    /** A JSON payload from its text. */
    public static Payload json(String json) {
        return new Payload(json.getBytes(StandardCharsets.UTF_8), JSON);
    }

    /** A plain-text payload. */
    public static Payload text(String text) {
        return new Payload(text.getBytes(StandardCharsets.UTF_8), TEXT);
    }

    /** A copy of the body. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The body's length in bytes, without copying it. */
    public int size() {
        return bytes.length;
    }

    /** The body read as UTF-8 text. */
    public String asText() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Payload that && contentType.equals(that.contentType) && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * contentType.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Payload[" + contentType + ", " + bytes.length + " bytes]";
    }
}
