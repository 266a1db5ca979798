package io.eventsource.ports;

import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ServiceName;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Who is listening: the registered bindings ({@code eventsourceServices}) and, per aggregate type, each
 * service's last heartbeat ({@code ProductServicesHealthChecks}). Producers ask it which services to make
 * queues for. Keys live under the registry's namespace; liveness uses its
 * {@link io.eventsource.domain.ExpiryPolicy#livenessTtl() liveness TTL}.
 *
 * <p>Instants are passed in from the caller's {@link Scheduler}, so that a virtual clock drives liveness
 * in tests. Implementations are thread-safe.
 */
public interface ServiceRegistry extends AutoCloseable {

    /**
     * Registers each binding if absent and records {@code at} as the last heartbeat of its service for its
     * aggregate type. Listeners call it when they bind and then every heartbeat interval; calling it again
     * re-creates whatever the registry lost (a restart). A heartbeat never moves a service's last heartbeat back.
     *
     * @throws PortException if the registry cannot be reached
     */
    void heartbeat(Collection<Binding> bindings, Instant at);

    /**
     * The services of the type whose last heartbeat is younger than the liveness TTL at {@code now}; a
     * service with several instances counts once. One round trip.
     *
     * @throws PortException if the registry cannot be reached
     */
    Set<ServiceName> liveServices(AggregateType type, Instant now);

    /**
     * Every binding ever registered (and not lost), live or not.
     *
     * @throws PortException if the registry cannot be reached
     */
    Set<Binding> bindings();

    /**
     * Takes or keeps the named lease for {@code holder} until {@code ttl} after now: one runtime of a namespace
     * at a time does the work the lease guards (the relay). Succeeds when the lease is free, expired, or already
     * held by {@code holder} (then it is renewed); fails while another holder's lease runs. A holder that stops
     * renewing loses the lease once its time to live has passed.
     *
     * @param lease the lease's name, 1-64 characters of {@code [a-z0-9-]}
     * @param holder who asks: unique per runtime
     * @param now the caller's clock
     * @param ttl how long the lease runs from now unless renewed; positive
     * @return whether {@code holder} holds the lease now
     * @throws PortException if the registry cannot be reached
     */
    boolean holdLease(String lease, String holder, Instant now, Duration ttl);

    /**
     * The type's topology as the namespace recorded it: {@code proposed} if none was recorded yet (it is recorded
     * now), else what the first process recorded, which the caller compares with its own. Atomic: two processes that
     * propose different topologies at once get the same answer.
     *
     * @throws PortException if the registry cannot be reached
     */
    AggregateTopology agreeTopology(AggregateType type, AggregateTopology proposed);

    /**
     * Records {@code at} as the last heartbeat of one instance of the service on the type: how instances of a service
     * learn of each other, to share the partitions of a partitioned type. Never moves an instance's heartbeat back.
     *
     * @param instance unique per listener, 1-100 characters of {@code [A-Za-z0-9_.:-]}
     * @throws PortException if the registry cannot be reached
     */
    void instanceHeartbeat(AggregateType type, ServiceName service, String instance, Instant at);

    /**
     * The instances of the service on the type whose last heartbeat is younger than {@code ttl} at {@code now}, sorted.
     * One round trip; may forget the others.
     *
     * @throws PortException if the registry cannot be reached
     */
    List<String> liveInstances(AggregateType type, ServiceName service, Instant now, Duration ttl);

    /**
     * Forgets an instance of the service on the type: it stops, and the others take its share at once. Never throws
     * for an instance that is not recorded.
     *
     * @throws PortException if the registry cannot be reached
     */
    void leave(AggregateType type, ServiceName service, String instance);

    /** Releases connections. Never throws. */
    @Override
    default void close() {
    }
}
