package io.eventsource.domain;

import java.util.regex.Pattern;

/**
 * An optional prefix in front of every broker object and registry key, such as {@code staging.}, so
 * that environments and test runs never see each other's queues, keys or rows.
 *
 * @param prefix empty (no namespace) or 1-64 characters of {@code [A-Za-z0-9_.:-]}
 */
public record Namespace(String prefix) {
    /**
     * The longest prefix, in characters: short enough to leave most of AMQP's 255 bytes to the names it prefixes
     * (each full broker name is checked again when {@link Topology} makes it).
     */
    public static final int MAX_LENGTH = 64;
    /** No prefix: the seed's bare names. */
    public static final Namespace NONE = new Namespace("");
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.:-]+");

    /**
     * Checks the prefix; the empty prefix is no namespace.
     *
     * @throws InvalidValueException if the prefix is null, longer than {@link #MAX_LENGTH} or holds a character
     *         outside {@code [A-Za-z0-9_.:-]}
     */
    public Namespace {
        if (prefix == null || !prefix.isEmpty()) {
            Names.require("Namespace", prefix, MAX_LENGTH, ALLOWED, "[A-Za-z0-9_.:-] (or empty for none)");
        }
    }

    /**
     * The namespace with this prefix; null or empty gives {@link #NONE}.
     *
     * @throws InvalidValueException if a non-empty prefix breaks the constructor's rule
     */
    public static Namespace of(String prefix) {
        return prefix == null || prefix.isEmpty() ? NONE : new Namespace(prefix);
    }

    /** The name with this namespace in front. */
    public String apply(String name) {
        return prefix + name;
    }

    @Override
    public String toString() {
        return prefix.isEmpty() ? "(no namespace)" : prefix;
    }
}
