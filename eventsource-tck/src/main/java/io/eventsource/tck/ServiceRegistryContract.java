package io.eventsource.tck;

import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.ServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.eventsource.tck.Fixtures.T0;
import static io.eventsource.tck.Fixtures.freshService;
import static io.eventsource.tck.Fixtures.freshType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link ServiceRegistry}: bindings registered if absent, liveness by last heartbeat under
 * the {@link ExpiryPolicy#livenessTtl() liveness TTL} at the instant the caller passes, one entry per service
 * whatever its instances, heartbeats that never move back, and re-creation of lost state by the next
 * heartbeat; leases; the first topology proposed for a type, recorded atomically; and the instances of a service,
 * live by their last heartbeat under the TTL the caller passes, sorted, gone at once when they leave. An adapter's
 * test extends it and supplies a registry under a namespace of its own (the suite
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
        assertThatThrownBy(
                        () -> registry.holdLease("Relay Lease", "runtime-a", T0, Duration.ofSeconds(1)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("[a-z0-9-]");
    }

    // ---- topologies ----

    @Test
    void theFirstTopologyProposedForATypeIsRecordedAndAnsweredToEveryLaterProposal() {
        AggregateType orders = freshType();
        AggregateType products = freshType();
        AggregateTopology sixteen = AggregateTopology.partitioned(16);

        assertThat(registry.agreeTopology(orders, sixteen)).isEqualTo(sixteen);
        assertThat(registry.agreeTopology(orders, AggregateTopology.perAggregate())).isEqualTo(sixteen);
        assertThat(registry.agreeTopology(orders, AggregateTopology.partitioned(8))).isEqualTo(sixteen);
        assertThat(registry.agreeTopology(products, AggregateTopology.perAggregate()))
                .as("another type is recorded on its own").isEqualTo(AggregateTopology.perAggregate());
        assertThat(registry.agreeTopology(products, sixteen)).isEqualTo(AggregateTopology.perAggregate());
    }

    @Test
    void aRecordedTopologyKeepsItsQueueExpiry() {
        AggregateType type = freshType();
        AggregateTopology twoHours = AggregateTopology.partitioned(12).withQueueExpiry(Duration.ofHours(2));
        registry.agreeTopology(type, twoHours);

        assertThat(registry.agreeTopology(type, AggregateTopology.partitioned(12))).isEqualTo(twoHours);
    }

    @Test
    void concurrentProposalsForATypeGetTheSameAnswer() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                AggregateType type = freshType();
                AggregateTopology first = AggregateTopology.partitioned(4);
                AggregateTopology second = round % 2 == 0 ? AggregateTopology.perAggregate()
                        : AggregateTopology.partitioned(8);
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<AggregateTopology>> answers = new ArrayList<>();
                for (AggregateTopology proposed : List.of(first, second)) {
                    answers.add(threads.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        return registry.agreeTopology(type, proposed);
                    }));
                }
                AggregateTopology one = answers.get(0).get(10, TimeUnit.SECONDS);
                AggregateTopology other = answers.get(1).get(10, TimeUnit.SECONDS);

                assertThat(one).as("round %d", round).isIn(first, second).isEqualTo(other);
                assertThat(registry.agreeTopology(type, AggregateTopology.partitioned(2))).isEqualTo(one);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    // ---- instances ----

    @Test
    void anInstanceIsLiveWhileItsLastHeartbeatIsYoungerThanTheCallersTtl() {
        AggregateType type = freshType();
        ServiceName ads = freshService();
        Duration ttl = Duration.ofSeconds(10);
        registry.instanceHeartbeat(type, ads, "ads-1", T0);

        assertThat(registry.liveInstances(type, ads, T0, ttl)).containsExactly("ads-1");
        assertThat(registry.liveInstances(type, ads, T0.plus(ttl).minusMillis(1), ttl)).containsExactly("ads-1");
        assertThat(registry.liveInstances(type, ads, T0.plus(ttl), ttl)).isEmpty();
        assertThat(registry.liveInstances(type, ads, T0.plus(ttl), ttl.multipliedBy(2)))
                .as("the caller's TTL decides").containsExactly("ads-1");
    }

    @Test
    void liveInstancesAreSortedAndCountedPerTypeAndService() {
        AggregateType product = freshType();
        AggregateType order = freshType();
        ServiceName ads = freshService();
        ServiceName search = freshService();
        registry.instanceHeartbeat(product, ads, "host-b:7", T0);
        registry.instanceHeartbeat(product, ads, "host-a:9", T0.plusSeconds(1));
        registry.instanceHeartbeat(product, ads, "host-c.1", T0.plusSeconds(2));
        registry.instanceHeartbeat(product, ads, "host-a:9", T0.plusSeconds(3));
        registry.instanceHeartbeat(product, search, "host-d", T0);
        registry.instanceHeartbeat(order, ads, "host-e", T0);

        Duration ttl = Duration.ofSeconds(30);
        assertThat(registry.liveInstances(product, ads, T0.plusSeconds(4), ttl))
                .containsExactly("host-a:9", "host-b:7", "host-c.1");
        assertThat(registry.liveInstances(product, search, T0.plusSeconds(4), ttl)).containsExactly("host-d");
        assertThat(registry.liveInstances(order, ads, T0.plusSeconds(4), ttl)).containsExactly("host-e");
        assertThat(registry.liveInstances(order, search, T0.plusSeconds(4), ttl)).isEmpty();
    }

    @Test
    void aLateInstanceHeartbeatNeverMovesItBack() {
        AggregateType type = freshType();
        ServiceName ads = freshService();
        Duration ttl = Duration.ofSeconds(10);
        Instant later = T0.plusSeconds(20);
        registry.instanceHeartbeat(type, ads, "ads-1", later);

        registry.instanceHeartbeat(type, ads, "ads-1", T0);

        assertThat(registry.liveInstances(type, ads, later.plus(ttl).minusMillis(1), ttl)).containsExactly("ads-1");
        assertThat(registry.liveInstances(type, ads, later.plus(ttl), ttl)).isEmpty();
    }

    @Test
    void aLeavingInstanceIsGoneAtOnceAndTheOthersStay() {
        AggregateType type = freshType();
        ServiceName ads = freshService();
        Duration ttl = Duration.ofSeconds(10);
        registry.instanceHeartbeat(type, ads, "ads-1", T0);
        registry.instanceHeartbeat(type, ads, "ads-2", T0);

        registry.leave(type, ads, "ads-1");

        assertThat(registry.liveInstances(type, ads, T0, ttl)).containsExactly("ads-2");
        registry.leave(type, ads, "ads-1");
        registry.leave(type, freshService(), "never-there");
        assertThat(registry.liveInstances(type, ads, T0, ttl)).as("leaving twice, or unknown").containsExactly("ads-2");

        registry.instanceHeartbeat(type, ads, "ads-1", T0.plusSeconds(1));
        assertThat(registry.liveInstances(type, ads, T0.plusSeconds(1), ttl)).as("back after leaving")
                .containsExactly("ads-1", "ads-2");
    }

    @Test
    void acceptsInstanceNamesOfUpToAHundredCharactersOfTheAllowedOnes() {
        AggregateType type = freshType();
        ServiceName ads = freshService();
        String longest = "A-z_0.9:" + "x".repeat(92);
        registry.instanceHeartbeat(type, ads, longest, T0);

        assertThat(registry.liveInstances(type, ads, T0, Duration.ofSeconds(1))).containsExactly(longest);
    }

    @Test
    void refusesAnInvalidInstanceNameSayingWhatIsAllowed() {
        AggregateType type = freshType();
        ServiceName ads = freshService();
        for (String invalid : List.of("", "ads 1", "ads/1", "x".repeat(101), "ads-é")) {
            assertThatThrownBy(() -> registry.instanceHeartbeat(type, ads, invalid, T0)).as(invalid)
                    .isInstanceOf(InvalidValueException.class)
                    .hasMessageContaining("instance must be 1-100 characters of [A-Za-z0-9_.:-], got \"");
            assertThatThrownBy(() -> registry.leave(type, ads, invalid)).as(invalid)
                    .isInstanceOf(InvalidValueException.class);
        }
        assertThatThrownBy(() -> registry.instanceHeartbeat(type, ads, null, T0))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("got null");
        assertThat(registry.liveInstances(type, ads, T0, Duration.ofSeconds(1))).isEmpty();
    }
}
