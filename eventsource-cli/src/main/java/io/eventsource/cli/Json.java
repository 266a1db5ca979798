package io.eventsource.cli;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes the commands' reports as JSON: maps (in their iteration order), collections, strings, numbers, booleans and
 * null. Output only, so a few lines here rather than a JSON library beside the adapters' (the architecture rules keep
 * Jackson inside the serializer and the MySQL adapter).
 */
final class Json {
    private Json() {
    }

    static String write(Object value) {
        StringBuilder json = new StringBuilder();
        write(value, json);
        return json.toString();
    }

    private static void write(Object value, StringBuilder json) {
        if (value == null) {
            json.append("null");
        } else if (value instanceof Map<?, ?> map) {
            json.append('{');
            Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<?, ?> entry = entries.next();
                string(String.valueOf(entry.getKey()), json);
                json.append(':');
                write(entry.getValue(), json);
                if (entries.hasNext()) {
                    json.append(',');
                }
            }
            json.append('}');
        } else if (value instanceof Collection<?> items) {
            json.append('[');
            Iterator<?> each = items.iterator();
            while (each.hasNext()) {
                write(each.next(), json);
                if (each.hasNext()) {
                    json.append(',');
                }
            }
            json.append(']');
        } else if (value instanceof Number || value instanceof Boolean) {
            json.append(value);
        } else {
            string(value.toString(), json);
        }
    }

    private static void string(String text, StringBuilder json) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
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
}
