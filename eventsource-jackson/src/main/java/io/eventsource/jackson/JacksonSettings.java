package io.eventsource.jackson;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.eventsource.domain.EventName;
import io.eventsource.domain.EventType;
import io.eventsource.domain.InvalidValueException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * How the Jackson serializer writes and reads typed events: the {@link ObjectMapper} and the upcasters of old payload
 * versions. Start from {@link #defaults()} and adjust it with the {@code with...} methods; bind it in the component
 * with {@code @BindsInstance} (without one, {@link JacksonModule} uses the defaults).
 *
 * <pre>{@code
 * JacksonSettings json = JacksonSettings.defaults()
 *         // OrderPaid version 1 had no currency: everything was in euros
 *         .withUpcaster(OrderPaid.class, 1, v1 -> v1.put("currency", "EUR"));
 * }</pre>
 *
 * @param objectMapper the mapper that writes and reads payloads; not to be reconfigured once in use (Jackson's rule)
 * @param upcasters    the transformations of old payload versions, at most one per (event name, version)
 */
public record JacksonSettings(ObjectMapper objectMapper, List<Upcaster> upcasters) {

    /**
     * Turns a payload of version {@code fromVersion} of the events named {@code event} into version
     * {@code fromVersion + 1}. A payload of version 1 read by a class of version 3 passes the upcasters from 1 and
     * from 2, in that order, then is read.
     *
     * @param event       the name of the events it upcasts
     * @param fromVersion the version it reads, 1 or more
     * @param change      the transformation: it may change the tree it is given and return it, or return another;
     *                    an exception it throws makes the read fail with an
     *                    {@link io.eventsource.ports.UnreadableEventException}
     */
    public record Upcaster(EventName event, int fromVersion, UnaryOperator<ObjectNode> change) {
        /**
         * Checks the upcaster.
         *
         * @throws NullPointerException  if {@code event} or {@code change} is null
         * @throws InvalidValueException if {@code fromVersion} is below 1
         */
        public Upcaster {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(change, "change");
            if (fromVersion < 1) {
                throw new InvalidValueException("Upcaster of " + event + " must read version 1 or more, got "
                        + fromVersion);
            }
        }
    }

    /**
     * Checks the settings and copies the upcasters.
     *
     * @throws NullPointerException  if the mapper, the list or an upcaster is null
     * @throws InvalidValueException if two upcasters read the same version of the same events
     */
    public JacksonSettings {
        Objects.requireNonNull(objectMapper, "objectMapper");
        upcasters = List.copyOf(upcasters);
        Set<String> seen = new HashSet<>();
        for (Upcaster upcaster : upcasters) {
            if (!seen.add(upcaster.event() + "@" + upcaster.fromVersion())) {
                throw new InvalidValueException("JacksonSettings has two upcasters of " + upcaster.event()
                        + " from version " + upcaster.fromVersion() + "; one per version: do both changes in one");
            }
        }
    }

    /** {@link #defaultObjectMapper()} and no upcasters. */
    public static JacksonSettings defaults() {
        return new JacksonSettings(defaultObjectMapper(), List.of());
    }

    /**
     * A new mapper as the defaults use it, to start a custom one from
     * ({@code defaultObjectMapper().rebuild().enable(...).build()}):
     * <ul>
     * <li>java.time values ({@link JavaTimeModule}) written as ISO-8601 text ({@code "2030-01-01T00:00:00Z"}), not
     *     numbers;</li>
     * <li>properties the class does not know are ignored (a tolerant reader: a producer may add a field without a new
     *     version; a field the payload lacks reads as null, or 0 and false for primitives).</li>
     * </ul>
     * Records are read through their canonical constructor. On the module path, public event classes of an exported
     * package need nothing more; others need their package opened to Jackson ({@code opens com.acme.events to
     * com.fasterxml.jackson.databind;}).
     */
    public static JsonMapper defaultObjectMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /** These settings with another mapper (configured as the application needs; see {@link #defaultObjectMapper()}). */
    public JacksonSettings withObjectMapper(ObjectMapper value) {
        return new JacksonSettings(value, upcasters);
    }

    /**
     * These settings with one more upcaster: payloads of version {@code fromVersion} of the events named
     * {@code event} become version {@code fromVersion + 1} through {@code change} before they are read.
     *
     * @throws InvalidValueException if the name is not a valid event name, the version is below 1, or an upcaster of
     *         that version of those events is already there
     */
    public JacksonSettings withUpcaster(String event, int fromVersion, UnaryOperator<ObjectNode> change) {
        return withUpcaster(new Upcaster(EventName.of(event), fromVersion, change));
    }

    /**
     * As {@link #withUpcaster(String, int, UnaryOperator)}, for the events of {@code type}: its name, from
     * {@link EventType} or its simple name ({@link EventName#of(Class)}).
     */
    public JacksonSettings withUpcaster(Class<?> type, int fromVersion, UnaryOperator<ObjectNode> change) {
        return withUpcaster(new Upcaster(EventName.of(type), fromVersion, change));
    }

    /** These settings with one more upcaster; see {@link #withUpcaster(String, int, UnaryOperator)}. */
    public JacksonSettings withUpcaster(Upcaster upcaster) {
        List<Upcaster> more = new ArrayList<>(upcasters);
        more.add(Objects.requireNonNull(upcaster, "upcaster"));
        return new JacksonSettings(objectMapper, more);
    }
}
