package io.eventsource.adapter.mysql;

import java.util.Map;
import java.util.TreeMap;

/**
 * Event metadata as the text of a JSON object of strings, keys sorted: readable in the database and by
 * any JSON tool, without a JSON library in the adapter.
 */
final class MetadataJson {
    private MetadataJson() {
    }

    static String write(Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            return "{}";
        }
        StringBuilder json = new StringBuilder("{");
        new TreeMap<>(metadata).forEach((key, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            string(json, key);
            json.append(':');
            string(json, value);
        });
        return json.append('}').toString();
    }

    static Map<String, String> read(String json) {
        Parser parser = new Parser(json);
        Map<String, String> metadata = parser.object();
        parser.end();
        return metadata;
    }

    private static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private static final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
        }

        Map<String, String> object() {
            Map<String, String> result = new TreeMap<>();
            skipSpace();
            expect('{');
            skipSpace();
            if (peek() == '}') {
                at++;
                return result;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                result.put(key, string());
                skipSpace();
                char next = next();
                if (next == '}') {
                    return result;
                }
                if (next != ',') {
                    throw malformed("',' or '}'");
                }
            }
        }

        void end() {
            skipSpace();
            if (at != text.length()) {
                throw malformed("the end");
            }
        }

        private String string() {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return value.toString();
                }
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                char escaped = next();
                switch (escaped) {
                    case '"', '\\', '/' -> value.append(escaped);
                    case 'b' -> value.append('\b');
                    case 'f' -> value.append('\f');
                    case 'n' -> value.append('\n');
                    case 'r' -> value.append('\r');
                    case 't' -> value.append('\t');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw malformed("four hex digits");
                        }
                        try {
                            value.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        } catch (NumberFormatException e) {
                            throw malformed("four hex digits");
                        }
                        at += 4;
                    }
                    default -> throw malformed("an escape");
                }
            }
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private char peek() {
            if (at >= text.length()) {
                throw malformed("more");
            }
            return text.charAt(at);
        }

        private char next() {
            char c = peek();
            at++;
            return c;
        }

        private void expect(char wanted) {
            if (next() != wanted) {
                throw malformed("'" + wanted + "'");
            }
        }

        private IllegalArgumentException malformed(String expected) {
            return new IllegalArgumentException("metadata is not a JSON object of strings: expected " + expected
                    + " at character " + at + " of " + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
        }
    }
}
