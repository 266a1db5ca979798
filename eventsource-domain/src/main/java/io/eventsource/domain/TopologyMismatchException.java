package io.eventsource.domain;

/**
 * A process was configured with another topology for an aggregate type than the one its namespace recorded: every
 * process of a namespace must route and consume a type the same way (see {@link AggregateTopology}). Configure the
 * recorded topology, or move the type to another namespace.
 */
public final class TopologyMismatchException extends EventsourceException {
    private static final long serialVersionUID = 1L;
    private final transient AggregateType type;
    private final transient AggregateTopology recorded;
    private final transient AggregateTopology configured;

    /** The refusal of {@code configured} for {@code type}, whose namespace recorded {@code recorded}. */
    public TopologyMismatchException(AggregateType type, AggregateTopology recorded, AggregateTopology configured) {
        super("aggregate type \"" + type.value() + "\" is " + recorded.describe() + " in this namespace, but this"
                + " process is configured with " + configured.describe() + "; every process of a namespace must use the"
                + " same topology for a type: configure " + recorded.describe() + " here");
        this.type = type;
        this.recorded = recorded;
        this.configured = configured;
    }

    /** The type both choices are for. */
    public AggregateType type() {
        return type;
    }

    /** What the namespace recorded: the first process's choice. */
    public AggregateTopology recorded() {
        return recorded;
    }

    /** What this process was configured with. */
    public AggregateTopology configured() {
        return configured;
    }
}
