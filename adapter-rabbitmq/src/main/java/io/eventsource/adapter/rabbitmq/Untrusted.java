package io.eventsource.adapter.rabbitmq;

/**
 * Text that arrived in a message (header values, bodies, the broker's replies quoting them), made safe to put in a
 * log line: anyone allowed to publish to our exchanges chooses it, so it could forge log lines with a newline, hide
 * text with control or bidirectional-override characters, or flood the log. Control characters, line and paragraph
 * separators and bidi controls are written as escapes (a newline as backslash-n, an escape character as
 * backslash-u001b); the result is cut to a short length.
 */
final class Untrusted {
    /** Characters of escaped text kept in a log line; the rest is counted, not shown. */
    static final int MAX_LENGTH = 200;

    private Untrusted() {
    }

    /** The value's text, escaped and cut to {@link #MAX_LENGTH}; {@code null} gives {@code "null"}. */
    static String text(Object value) {
        return text(value, MAX_LENGTH);
    }

    static String text(Object value, int maxLength) {
        String text = String.valueOf(value);
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength) + 16);
        int i = 0;
        while (i < text.length() && out.length() < maxLength) {
            char c = text.charAt(i++);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (unsafe(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c) && i < text.length()) {
                        out.append(c).append(text.charAt(i++)); // never cut a pair in two
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (i < text.length()) {
            out.append("...(").append(text.length() - i).append(" more characters)");
        }
        return out.toString();
    }

    private static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) // C0 and C1 controls, DEL
                || c == '\u2028' || c == '\u2029' // line and paragraph separators
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') // bidi embeddings, isolates
                || c == '\u200e' || c == '\u200f' || c == '\u061c'; // bidi marks
    }
}
