package io.eventsource.domain;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
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
    private static final Names.Alphabet CONTENT_TYPE = Names.Alphabet.of(Names.range('!', '~'));

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

    /**
     * A JSON payload from its text, as UTF-8. The text is not parsed: the library carries it as it is.
     *
     * @throws InvalidValueException if {@code json} is null or blank (JSON has no empty document: use {@code "{}"} or
     *         {@code "null"}), or holds an unpaired surrogate, which UTF-8 cannot encode
     */
    public static Payload json(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidValueException("Payload.json needs a JSON document such as \"{}\", got "
                    + (json == null ? "null" : "\"" + Names.abbreviate(json) + "\" (blank)"));
        }
        return new Payload(utf8("Payload.json", json), JSON);
    }

    /**
     * A plain-text payload, as UTF-8.
     *
     * @throws InvalidValueException if {@code text} is null (use {@code ""} for no text), or holds an unpaired
     *         surrogate, which UTF-8 cannot encode
     */
    public static Payload text(String text) {
        if (text == null) {
            throw new InvalidValueException("Payload.text needs a text, got null; use \"\" for none");
        }
        return new Payload(utf8("Payload.text", text), TEXT);
    }

    /** The text as UTF-8, refused rather than silently changed (to '?') where it cannot be encoded. */
    private static byte[] utf8(String factory, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidValueException(factory + " needs well-formed text, got an unpaired surrogate (\\u"
                        + Integer.toHexString(c).toUpperCase(Locale.ROOT) + ") at index " + i + " of " + text.length()
                        + ", which UTF-8 cannot encode");
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
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
