package io.eventsource.adapter.postgresql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Map;
import java.util.TreeMap;

/**
 * Event metadata in its column: the text of a JSON object of strings, keys sorted, no spaces
 * ({@code {"correlation":"c-1","user":"ann"}}), readable in the database and by any JSON tool. Written and read by
 * Jackson; the text is the one the adapter wrote before it used Jackson (and any JSON object of strings reads), so
 * rows written then read as they did.
 */
final class MetadataJson {
    /** Trailing tokens fail the read: a column holds one object, nothing after it. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private MetadataJson() {
    }

    static String write(Map<String, String> metadata) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(metadata));
        } catch (JsonProcessingException e) {
            // a map of strings always has a JSON form
            throw new IllegalStateException("could not write event metadata as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** @throws IllegalArgumentException if the text is not one JSON object whose values are all strings */
    static Map<String, String> read(String json) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw malformed(json, e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw malformed(json, "not an object", null);
        }
        Map<String, String> metadata = new TreeMap<>();
        for (Map.Entry<String, JsonNode> field : tree.properties()) {
            if (!field.getValue().isTextual()) {
                throw malformed(json, "the value of \"" + field.getKey() + "\" is " + field.getValue().getNodeType()
                        + ", not a string", null);
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
        return metadata;
    }

    private static IllegalArgumentException malformed(String json, String why, Exception cause) {
        return new IllegalArgumentException("metadata is not a JSON object of strings (" + why + "): "
                + (json.length() > 200 ? json.substring(0, 200) + "..." : json), cause);
    }
}
