/**
 * The {@code EventSerializer} on Jackson: typed events (records or any class Jackson maps) as JSON payloads, named by
 * their class or {@code @EventType}, with upcasters that bring payloads of older versions to the current shape.
 * Its public face is {@code JacksonModule} (a Dagger module) and {@code JacksonSettings}.
 */
module io.eventsource.jackson {
    requires transitive io.eventsource.ports;
    // JacksonSettings carries the ObjectMapper, and upcasters change ObjectNode trees: who configures it needs databind
    requires transitive com.fasterxml.jackson.databind;
    // the default mapper writes and reads java.time values (Instant, LocalDate, ...) as ISO-8601 text
    requires com.fasterxml.jackson.datatype.jsr310;

    // JacksonModule is a Dagger module
    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated on the factories it writes here
    requires static java.compiler;

    exports io.eventsource.jackson;
}
