package io.eventsource.tck;

import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.ServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.eventsource.tck.Fixtures.T0;
import static io.eventsource.tck.Fixtures.freshService;
import static io.eventsource.tck.Fixtures.freshType;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of {@link ServiceRegistry}: bindings registered if absent, liveness by last heartbeat under
 * the {@link ExpiryPolicy#livenessTtl() liveness TTL} at the instant the caller passes, one entry per service
 * whatever its instances, heartbeats that never move back, and re-creation of lost state by the next
 * heartbeat. An adapter's test extends it and supplies a registry under a namespace of its own (the suite
 * checks {@link ServiceRegistry#bindings()} exactly); aggregate types and services are fresh in every test.
 */
public abstract class ServiceRegistryContract {
    private ServiceRegistry registry;

    /** A registry under a fresh namespace, with the TTL of {@link #expiryPolicy()}; closed after the test. */
    protected abstract ServiceRegistry newRegistry();

    /** The durations the registry under test uses. */
    protected abstract ExpiryPolicy expiryPolicy();

    /**
     * Makes the registry lose everything it holds, as a restarted Redis without persistence would. Optional:
     * the test of re-creation is skipped unless an adapter overrides it.
     */
    protected void loseAllState() {
        Assumptions.abort("this adapter cannot simulate a registry that lost its state");
    }

    @BeforeEach
    final void openRegistry() {
        registry = newRegistry();
    }

    @AfterEach
    final void closeRegistry() {
        registry.close();
    }

    /** The registry under test. */
    protected final ServiceRegistry registry() {
        return registry;
    }

    private Duration ttl() {
        return expiryPolicy().livenessTtl();
    }

    private static Binding binding(ServiceName service, AggregateType type, String projection) {
        return new Binding(service, type, Projection.of(projection));
    }

    @Test
    void aHeartbeatRegistersItsBindingsIfAbsent() {
        AggregateType type = freshType();
        ServiceName ads = freshService();
        Binding projections = binding(ads, type, "projections");
        Binding search = binding(ads, type, "search-index");

        registry.heartbeat(List.of(projections, search), T0);
        registry.heartbeat(List.of(projections), T0.plusSeconds(1));

        assertThat(registry.bindings()).containsExactlyInAnyOrder(projections, search);
    }

    @Test
    void aServiceIsLiveWhileItsLastHeartbeatIsYoungerThanTheTtl() {
        AggregateType type = freshType();
        ServiceName ads = freshService();
        registry.heartbeat(List.of(binding(ads, type, "projections")), T0);

        assertThat(registry.liveServices(type, T0)).containsExactly(ads);
        assertThat(registry.liveServices(type, T0.plus(ttl()).minusMillis(1))).containsExactly(ads);
        assertThat(registry.liveServices(type, T0.plus(ttl()))).isEmpty();
    }

    @Test
    void aServiceWithSeveralInstancesAndProjectionsCountsOnce() {
        AggregateType type = freshType();
        ServiceName ads = freshService();
        ServiceName search = freshService();
        registry.heartbeat(List.of(binding(ads, type, "projections"), binding(ads, type, "stats")), T0);
        registry.heartbeat(List.of(binding(ads, type, "projections"), binding(ads, type, "stats")), T0.plusSeconds(1));
        registry.heartbeat(List.of(binding(search, type, "projections")), T0.plusSeconds(2));

        assertThat(registry.liveServices(type, T0.plusSeconds(3))).containsExactlyInAnyOrder(ads, search);
    }

    @Test
    void livenessIsPerAggregateType() {
        AggregateType product = freshType();
        AggregateType order = freshType();
        ServiceName ads = freshService();
        registry.heartbeat(List.of(binding(ads, product, "projections")), T0);

        assertThat(registry.liveServices(order, T0)).isEmpty();
        assertThat(registry.liveServices(product, T0)).containsExactly(ads);
    }

    @Test
    void theLatestHeartbeatCountsAndALateOneNeverMovesItBack() {
        AggregateType type = freshType();
        ServiceName ads = freshService();
        Binding binding = binding(ads, type, "projections");
        Instant later = T0.plusSeconds(20);
        registry.heartbeat(List.of(binding), later);

        registry.heartbeat(List.of(binding), T0);

        assertThat(registry.liveServices(type, later.plus(ttl()).minusMillis(1))).containsExactly(ads);
        assertThat(registry.liveServices(type, later.plus(ttl()))).isEmpty();
    }

    @Test
    void aHeartbeatOfNoBindingsChangesNothing() {
        registry.heartbeat(List.of(), T0);

        assertThat(registry.bindings()).isEmpty();
    }

    @Test
    void theNextHeartbeatRecreatesWhatTheRegistryLost() {
        AggregateType type = freshType();
        ServiceName ads = freshService();
        Binding binding = binding(ads, type, "projections");
        registry.heartbeat(List.of(binding), T0);

        loseAllState();
        assertThat(registry.bindings()).isEmpty();
        assertThat(registry.liveServices(type, T0)).isEmpty();

        registry.heartbeat(List.of(binding), T0.plusSeconds(5));
        assertThat(registry.bindings()).containsExactly(binding);
        assertThat(registry.liveServices(type, T0.plusSeconds(5))).containsExactly(ads);
    }

    @Test
    void grantsAFreeLeaseAndRenewsItForItsHolder() {
        Duration ttl = Duration.ofSeconds(10);
        assertThat(registry.holdLease("relay", "runtime-a", T0, ttl)).isTrue();
        assertThat(registry.holdLease("relay", "runtime-a", T0.plusSeconds(9), ttl)).isTrue();
        // renewed at 9 s: still held at 18 s
        assertThat(registry.holdLease("relay", "runtime-b", T0.plusSeconds(18), ttl)).isFalse();
    }

    @Test
    void refusesALeaseWhileAnotherHolderHoldsIt() {
        Duration ttl = Duration.ofSeconds(10);
        assertThat(registry.holdLease("relay", "runtime-a", T0, ttl)).isTrue();
        assertThat(registry.holdLease("relay", "runtime-b", T0.plusSeconds(1), ttl)).isFalse();
        assertThat(registry.holdLease("sweeper", "runtime-b", T0.plusSeconds(1), ttl))
                .as("another lease is independent").isTrue();
    }

    @Test
    void handsAnExpiredLeaseToTheNextHolder() {
        Duration ttl = Duration.ofSeconds(10);
        assertThat(registry.holdLease("relay", "runtime-a", T0, ttl)).isTrue();
        assertThat(registry.holdLease("relay", "runtime-b", T0.plusSeconds(10), ttl)).isTrue();
        assertThat(registry.holdLease("relay", "runtime-a", T0.plusSeconds(11), ttl)).isFalse();
    }

    @Test
    void refusesAnInvalidLeaseName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> registry.holdLease("Relay Lease", "runtime-a", T0, Duration.ofSeconds(1)))
                .isInstanceOf(io.eventsource.domain.InvalidValueException.class)
                .hasMessageContaining("[a-z0-9-]");
    }
}
