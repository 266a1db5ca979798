package io.eventsource.domain;

import java.util.Objects;

/**
 * The names of the seed's broker objects and registry keys, under a namespace. For type {@code Product},
 * id {@code 42}, service {@code ads} and no namespace:
 *
 * <table>
 *   <caption>names</caption>
 *   <tr><td>{@link #announcementExchange}</td><td>{@code ProductAggregateIds}</td><td>fanout, durable</td></tr>
 *   <tr><td>{@link #announcementQueue}</td><td>{@code ProductAggregateIds-ads}</td><td>durable, shared by the service's instances</td></tr>
 *   <tr><td>{@link #aggregateExchange}</td><td>{@code Product-42}</td><td>fanout, auto-delete</td></tr>
 *   <tr><td>{@link #aggregateQueue}</td><td>{@code Product-42-ads}</td><td>expires when unused, single active consumer</td></tr>
 *   <tr><td>{@link #partitionExchange}</td><td>{@code ProductPartitions}</td><td>direct, durable (partitioned types)</td></tr>
 *   <tr><td>{@link #partitionQueue}</td><td>{@code Product-p3-ads}</td><td>durable, single active consumer, expires when unused (partitioned types)</td></tr>
 *   <tr><td>{@link #servicesKey}</td><td>{@code eventsourceServices}</td><td>the registered bindings</td></tr>
 *   <tr><td>{@link #healthChecksKey}</td><td>{@code ProductServicesHealthChecks}</td><td>last heartbeat per service</td></tr>
 *   <tr><td>{@link #topologiesKey}</td><td>{@code eventsourceTopologies}</td><td>the topology each type uses</td></tr>
 *   <tr><td>{@link #instancesKey}</td><td>{@code ProductInstances-ads}</td><td>last heartbeat per instance of a service</td></tr>
 * </table>
 *
 * Every broker name is checked against AMQP's 255-byte limit when it is made. Names under distinct namespaces
 * never meet, whatever the types, ids and services: see {@link Namespace} for why.
 */
public record Topology(Namespace namespace) {
    /**
     * Names under a namespace.
     *
     * @throws NullPointerException if {@code namespace} is null; use {@link Namespace#NONE} for the seed's bare names
     */
    public Topology {
        Objects.requireNonNull(namespace, "namespace");
    }

    /** The names under {@code namespace} ({@link Namespace#NONE} for the seed's bare names). */
    public static Topology of(Namespace namespace) {
        return new Topology(namespace);
    }

    /** {@code {ns}ProductAggregateIds}: where producers announce the ids of aggregates with new events. */
    public ExchangeName announcementExchange(AggregateType type) {
        return new ExchangeName(namespace.apply(type.value() + "AggregateIds"));
    }

    /** {@code {ns}ProductAggregateIds-ads}: the announcements one service (all its instances) consumes. */
    public QueueName announcementQueue(AggregateType type, ServiceName service) {
        return new QueueName(namespace.apply(type.value() + "AggregateIds-" + service.value()));
    }

    /** {@code {ns}Product-42}: the exchange one aggregate's events are published to. */
    public ExchangeName aggregateExchange(AggregateRef aggregate) {
        return new ExchangeName(namespace.apply(aggregate.toString()));
    }

    /** {@code {ns}Product-42-ads}: one aggregate's events for one service. */
    public QueueName aggregateQueue(AggregateRef aggregate, ServiceName service) {
        return new QueueName(namespace.apply(aggregate + "-" + service.value()));
    }

    /**
     * {@code {ns}ProductPartitions}: the exchange a {@link AggregateTopology#partitioned partitioned} type's events are
     * published to, routed by partition number.
     */
    public ExchangeName partitionExchange(AggregateType type) {
        return new ExchangeName(namespace.apply(type.value() + "Partitions"));
    }

    /**
     * {@code {ns}Product-p3-ads}: partition {@code partition} of a partitioned type's events for one service (all its
     * instances, one active at a time). A type is either partitioned or not, in every process of a namespace, so
     * this name never meets the queue of an aggregate whose id is {@code p3}.
     *
     * @throws InvalidValueException if {@code partition} is negative
     */
    public QueueName partitionQueue(AggregateType type, int partition, ServiceName service) {
        if (partition < 0) {
            throw new InvalidValueException("a partition number is 0 or more, got " + partition);
        }
        return new QueueName(namespace.apply(type.value() + "-p" + partition + "-" + service.value()));
    }

    /** {@code {ns}eventsourceServices}: the registry key of all registered bindings. */
    public String servicesKey() {
        return namespace.apply("eventsourceServices");
    }

    /** {@code {ns}eventsourceLease-relay}: the registry key of a lease that one runtime of the namespace holds at a time. */
    public String leaseKey(String lease) {
        return namespace.apply("eventsourceLease-" + lease);
    }

    /** {@code {ns}eventsourceTopologies}: the registry key of the topology each aggregate type uses. */
    public String topologiesKey() {
        return namespace.apply("eventsourceTopologies");
    }

    /** {@code {ns}ProductInstances-ads}: the registry key of the heartbeats of a service's instances on a type. */
    public String instancesKey(AggregateType type, ServiceName service) {
        return namespace.apply(type.value() + "Instances-" + service.value());
    }

    /** {@code {ns}ProductServicesHealthChecks}: the registry key of the heartbeats of the type's services. */
    public String healthChecksKey(AggregateType type) {
        return namespace.apply(type.value() + "ServicesHealthChecks");
    }
}
