package io.eventsource.adapter.redis;

import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.PortException;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.ports.TransientPortException;
import io.eventsource.tck.ServiceRegistryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Redis registry against the real Redis: the TCK's contract, then what is particular to Redis (keys, their
 * time to live, round trips, a flushed database, failures).
 */
class JedisServiceRegistryIT extends ServiceRegistryContract {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final AggregateType PRODUCT = AggregateType.of("Product");
    private static final Binding ADS_PROJECTIONS = Binding.of("ads", "Product", "projections");
    private static final Binding ADS_SEARCH = Binding.of("ads", "Product", "search-index");
    private static final Binding API_PROJECTIONS = Binding.of("api-legacy", "Product", "projections");
    private static final Binding ADS_ORDERS = Binding.of("ads", "Order", "projections");
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    private TestRedis redis;
    private Topology topology;

    /** Called before each test (the contract's and this class's): a fresh namespace on the real Redis. */
    @Override
    protected ServiceRegistry newRegistry() {
        redis = TestRedis.locate();
        topology = Topology.of(redis.namespace());
        return redis.registry(expiryPolicy());
    }

    @Override
    protected ExpiryPolicy expiryPolicy() {
        // the seed's 30 s: Redis expires keys in real time, and a test must not outlive them by accident
        return ExpiryPolicy.SEED;
    }

    /** Deletes the test's keys rather than FLUSHDB, which would hit every other user of a shared Redis. */
    @Override
    protected void loseAllState() {
        redis.deleteKeys();
    }

    @AfterEach
    void deleteKeys() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void keepsBindingsAndHeartbeatsUnderTheNamespacedSeedKeys() {
        ServiceRegistry registry = redis.registry(ExpiryPolicy.SEED);

        registry.heartbeat(List.of(ADS_PROJECTIONS, ADS_ORDERS), T0);

        String ns = redis.namespace().prefix();
        assertThat(redis.keys()).containsExactly(ns + "OrderServicesHealthChecks", ns + "ProductServicesHealthChecks",
                ns + "eventsourceServices");
        assertThat(redis.admin().smembers(ns + "eventsourceServices"))
                .containsExactlyInAnyOrder("ads:Product:projections", "ads:Order:projections");
        assertThat(redis.admin().zscore(ns + "ProductServicesHealthChecks", "ads")).isEqualTo((double) T0.toEpochMilli());
        assertThat(registry.bindings()).containsExactlyInAnyOrder(ADS_PROJECTIONS, ADS_ORDERS);
    }

    @Test
    void countsAServiceWithSeveralInstancesOnce() {
        ServiceRegistry adsOne = redis.registry(ExpiryPolicy.SEED);
        ServiceRegistry adsTwo = redis.registry(ExpiryPolicy.SEED);
        ServiceRegistry api = redis.registry(ExpiryPolicy.SEED);

        adsOne.heartbeat(List.of(ADS_PROJECTIONS, ADS_SEARCH), T0);
        adsTwo.heartbeat(List.of(ADS_PROJECTIONS, ADS_SEARCH), T0.plusSeconds(2));
        api.heartbeat(List.of(API_PROJECTIONS), T0.plusSeconds(1));

        assertThat(adsOne.liveServices(PRODUCT, T0.plusSeconds(3)))
                .containsExactlyInAnyOrder(ServiceName.of("ads"), ServiceName.of("api-legacy"));
        assertThat(redis.admin().zcard(topology.healthChecksKey(PRODUCT))).isEqualTo(2);
        assertThat(api.bindings()).containsExactlyInAnyOrder(ADS_PROJECTIONS, ADS_SEARCH, API_PROJECTIONS);
    }

    @Test
    void aLateInstanceNeverMovesTheLastHeartbeatBack() {
        ServiceRegistry fast = redis.registry(ExpiryPolicy.SEED);
        ServiceRegistry late = redis.registry(ExpiryPolicy.SEED);
        fast.heartbeat(List.of(ADS_PROJECTIONS), T0.plusSeconds(10));

        late.heartbeat(List.of(ADS_PROJECTIONS), T0);

        assertThat(late.liveServices(PRODUCT, T0.plusSeconds(35))).containsExactly(ServiceName.of("ads"));
    }

    @Test
    void heartbeatsTrimServicesDeadForTwoLivenessTtls() {
        ServiceRegistry registry = redis.registry(ExpiryPolicy.SEED);
        registry.heartbeat(List.of(ADS_PROJECTIONS), T0);
        registry.heartbeat(List.of(API_PROJECTIONS), T0.plusSeconds(60));
        assertThat(redis.admin().zcard(topology.healthChecksKey(PRODUCT))).as("dead for exactly two TTLs").isEqualTo(2);

        registry.heartbeat(List.of(API_PROJECTIONS), T0.plusSeconds(60).plusMillis(1));

        assertThat(redis.admin().zrange(topology.healthChecksKey(PRODUCT), 0, -1)).containsExactly("api-legacy");
        assertThat(registry.bindings()).as("bindings stay").containsExactlyInAnyOrder(ADS_PROJECTIONS, API_PROJECTIONS);
    }

    @Test
    void keysLiveForTheLivenessTtlPastTheLastHeartbeatThenVanish() {
        ExpiryPolicy shortLived = ExpiryPolicy.SEED.withHeartbeatInterval(Duration.ofMillis(100))
                .withLivenessTtl(Duration.ofMillis(800));
        ServiceRegistry registry = redis.registry(shortLived);

        registry.heartbeat(List.of(ADS_PROJECTIONS), Instant.now());

        for (String key : redis.keys()) {
            assertThat(redis.admin().pttl(key)).as("time to live of %s", key).isBetween(1L, 800L);
        }
        // Redis expires keys in real time: poll for it, with a deadline
        Instant deadline = Instant.now().plusSeconds(5);
        while (!redis.keys().isEmpty() && Instant.now().isBefore(deadline)) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        assertThat(redis.keys()).as("keys once nobody heart-beats for the liveness TTL").isEmpty();
        assertThat(registry.bindings()).isEmpty();
    }

    @Test
    void aHeartbeatAfterARestartRestoresBindingsAndLiveness() throws Exception {
        // FLUSHDB stands in for a restart without persistence; in a database of its own, so that nothing else is lost
        try (TestRedis database = redis.inDatabase(13)) {
            ServiceRegistry registry = database.registry(ExpiryPolicy.SEED);
            registry.heartbeat(List.of(ADS_PROJECTIONS, API_PROJECTIONS), T0);

            database.admin().flushDB();
            assertThat(registry.bindings()).isEmpty();
            assertThat(registry.liveServices(PRODUCT, T0.plusSeconds(1))).isEmpty();

            registry.heartbeat(List.of(ADS_PROJECTIONS, API_PROJECTIONS), T0.plusSeconds(5));

            assertThat(registry.bindings()).containsExactlyInAnyOrder(ADS_PROJECTIONS, API_PROJECTIONS);
            assertThat(registry.liveServices(PRODUCT, T0.plusSeconds(6)))
                    .containsExactlyInAnyOrder(ServiceName.of("ads"), ServiceName.of("api-legacy"));
            assertThat(database.keys()).allSatisfy(key -> assertThat(database.admin().pttl(key)).isPositive());
        }
    }

    @Test
    void readsLiveServicesWithOneCommandAndRecordsAHeartbeatInOneRoundTrip() throws Exception {
        try (CountingProxy proxy = new CountingProxy(redis.uri())) {
            ServiceRegistry registry = redis.registry(redis.settings().withUri(proxy.uri()).withPoolSize(1),
                    ExpiryPolicy.SEED);
            registry.heartbeat(List.of(ADS_PROJECTIONS), T0); // connects: the handshake is not counted below

            proxy.reset();
            registry.heartbeat(List.of(ADS_PROJECTIONS, ADS_SEARCH, API_PROJECTIONS, ADS_ORDERS), T0.plusSeconds(1));
            assertThat(proxy.roundTrips()).as("round trips of a heartbeat over two types").isEqualTo(1);
            assertThat(proxy.commands()).as("commands of a heartbeat over two types").containsExactly(
                    "SADD", "PEXPIRE", "ZADD", "ZREMRANGEBYSCORE", "PEXPIRE", "ZADD", "ZREMRANGEBYSCORE", "PEXPIRE");

            proxy.reset();
            Set<ServiceName> live = registry.liveServices(PRODUCT, T0.plusSeconds(2));
            assertThat(proxy.roundTrips()).as("round trips of liveServices").isEqualTo(1);
            assertThat(proxy.commands()).as("commands of liveServices").containsExactly("ZRANGEBYSCORE");
            assertThat(live).containsExactlyInAnyOrder(ServiceName.of("ads"), ServiceName.of("api-legacy"));
        }
    }

    @Test
    void anUnreachableRedisIsATransientFailureOfEveryCall() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ServiceRegistry registry = redis.registry(redis.settings()
                .withUri(URI.create("redis://127.0.0.1:" + closedPort))
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500)), ExpiryPolicy.SEED);

        assertThatThrownBy(() -> registry.heartbeat(List.of(ADS_PROJECTIONS), T0))
                .isInstanceOf(TransientPortException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort);
        assertThatThrownBy(() -> registry.liveServices(PRODUCT, T0)).isInstanceOf(TransientPortException.class);
        assertThatThrownBy(registry::bindings).isInstanceOf(TransientPortException.class);
        assertThatThrownBy(() -> registry.agreeTopology(PRODUCT, AggregateTopology.partitioned(4)))
                .isInstanceOf(TransientPortException.class);
        assertThatThrownBy(() -> registry.liveInstances(PRODUCT, ADS, T0, TEN_SECONDS))
                .isInstanceOf(TransientPortException.class);
    }

    @Test
    void credentialsTheServerRefusesAreAPermanentFailure() {
        ServiceRegistry registry = redis.registry(redis.settings().withUri(URI.create("redis://nobody:s3cret-pw@"
                + redis.uri().getHost() + ":" + redis.uri().getPort())), ExpiryPolicy.SEED);

        assertThatThrownBy(registry::bindings)
                .isInstanceOf(PortException.class)
                .satisfies(e -> assertThat(((PortException) e).isTransient()).as("transient").isFalse())
                .hasMessageNotContaining("s3cret-pw");
    }

    @Test
    void aKeyOfTheWrongTypeIsAPermanentFailure() {
        ServiceRegistry registry = redis.registry(ExpiryPolicy.SEED);
        redis.admin().set(topology.servicesKey(), "not a set");

        assertThatThrownBy(() -> registry.heartbeat(List.of(ADS_PROJECTIONS), T0))
                .isInstanceOf(PortException.class)
                .satisfies(e -> assertThat(((PortException) e).isTransient()).isFalse())
                .hasMessageContaining("WRONGTYPE");
    }

    @Test
    void ignoresMembersThatAreNotBindings() {
        ServiceRegistry registry = redis.registry(ExpiryPolicy.SEED);
        registry.heartbeat(List.of(ADS_PROJECTIONS), T0);
        redis.admin().sadd(topology.servicesKey(), "not-a-binding", "a:b c:d", "too:many:colons:here");

        assertThat(registry.bindings()).containsExactly(ADS_PROJECTIONS);
    }

    // ---- topologies and instances ----

    @Test
    void keepsTopologiesAndInstancesUnderTheNamespacedKeysTheReadmeNames() {
        ServiceRegistry registry = registry();
        AggregateTopology sixteen = AggregateTopology.partitioned(16);

        registry.agreeTopology(PRODUCT, sixteen);
        registry.instanceHeartbeat(PRODUCT, ADS, "host-1:4711", T0);

        String ns = redis.namespace().prefix();
        assertThat(redis.keys()).containsExactly(ns + "ProductInstances-ads", ns + "eventsourceTopologies");
        assertThat(redis.admin().hgetAll(ns + "eventsourceTopologies"))
                .containsExactlyEntriesOf(Map.of("Product", "partitioned(16, expiry PT24H)"));
        assertThat(redis.admin().hgetAll(ns + "ProductInstances-ads"))
                .containsExactlyEntriesOf(Map.of("host-1:4711", Long.toString(T0.toEpochMilli())));
        assertThat(redis.admin().pttl(ns + "eventsourceTopologies")).as("the namespace's record never expires")
                .isEqualTo(-1L);
        assertThat(redis.admin().pttl(ns + "ProductInstances-ads"))
                .isBetween(JedisServiceRegistry.INSTANCES_KEY_LIFETIME.minusMinutes(1).toMillis(),
                        JedisServiceRegistry.INSTANCES_KEY_LIFETIME.toMillis());
    }

    @Test
    void processesWithClientsOfTheirOwnAgreeOnTheFirstTopology() {
        ServiceRegistry first = redis.registry(ExpiryPolicy.SEED);
        ServiceRegistry second = redis.registry(ExpiryPolicy.SEED);

        assertThat(first.agreeTopology(PRODUCT, AggregateTopology.partitioned(16)))
                .isEqualTo(AggregateTopology.partitioned(16));
        assertThat(second.agreeTopology(PRODUCT, AggregateTopology.perAggregate()))
                .isEqualTo(AggregateTopology.partitioned(16));
    }

    @Test
    void topologiesAndInstancesOfOneNamespaceAreNotSeenFromAnother() throws Exception {
        try (TestRedis other = TestRedis.locate()) {
            ServiceRegistry here = registry();
            ServiceRegistry there = other.registry(ExpiryPolicy.SEED);
            here.agreeTopology(PRODUCT, AggregateTopology.partitioned(16));
            here.instanceHeartbeat(PRODUCT, ADS, "ads-1", T0);

            assertThat(there.agreeTopology(PRODUCT, AggregateTopology.perAggregate()))
                    .isEqualTo(AggregateTopology.perAggregate());
            assertThat(there.liveInstances(PRODUCT, ADS, T0, TEN_SECONDS)).isEmpty();
            assertThat(here.liveInstances(PRODUCT, ADS, T0, TEN_SECONDS)).containsExactly("ads-1");
        }
    }

    @Test
    void anUnreadableRecordedTopologyIsAPermanentFailureNamingTheField() {
        redis.admin().hset(topology.topologiesKey(), "Product", "partitioned(sixteen)");

        assertThatThrownBy(() -> registry().agreeTopology(PRODUCT, AggregateTopology.partitioned(16)))
                .isInstanceOf(PermanentPortException.class)
                .hasMessageContaining("field \"Product\" of " + topology.topologiesKey())
                .hasMessageContaining("partitioned(sixteen)");
    }

    @Test
    void readingTheInstancesForgetsThoseDeadForTwoTtlsAndKeepsTheOthers() {
        ServiceRegistry registry = registry();
        registry.instanceHeartbeat(PRODUCT, ADS, "dead-long", T0);
        registry.instanceHeartbeat(PRODUCT, ADS, "dead", T0.plusSeconds(1));
        registry.instanceHeartbeat(PRODUCT, ADS, "live", T0.plusSeconds(15));

        assertThat(registry.liveInstances(PRODUCT, ADS, T0.plusSeconds(20), TEN_SECONDS)).containsExactly("live");

        assertThat(redis.admin().hkeys(topology.instancesKey(PRODUCT, ADS)))
                .as("dead for exactly two TTLs is forgotten; for less, kept").containsExactlyInAnyOrder("dead", "live");
    }

    @Test
    void ignoresAnInstanceWhoseHeartbeatIsNotANumber() {
        ServiceRegistry registry = registry();
        registry.instanceHeartbeat(PRODUCT, ADS, "ads-1", T0);
        redis.admin().hset(topology.instancesKey(PRODUCT, ADS), "ads-2", "yesterday");

        assertThat(registry.liveInstances(PRODUCT, ADS, T0, TEN_SECONDS)).containsExactly("ads-1");

        registry.instanceHeartbeat(PRODUCT, ADS, "ads-2", T0);
        assertThat(registry.liveInstances(PRODUCT, ADS, T0, TEN_SECONDS)).as("a heartbeat overwrites it")
                .containsExactly("ads-1", "ads-2");
    }

    @Test
    void theLastInstanceLeavingLeavesNoKeyBehind() {
        ServiceRegistry registry = registry();
        registry.instanceHeartbeat(PRODUCT, ADS, "ads-1", T0);

        registry.leave(PRODUCT, ADS, "ads-1");

        assertThat(redis.keys()).isEmpty();
    }

    @Test
    void agreesHeartBeatsReadsAndLeavesInOneRoundTripEach() throws Exception {
        try (CountingProxy proxy = new CountingProxy(redis.uri())) {
            ServiceRegistry registry = redis.registry(redis.settings().withUri(proxy.uri()).withPoolSize(1),
                    ExpiryPolicy.SEED);
            registry.bindings(); // connects: the handshake is not counted below

            proxy.reset();
            registry.agreeTopology(PRODUCT, AggregateTopology.partitioned(4));
            assertThat(proxy.roundTrips()).as("round trips of agreeTopology").isEqualTo(1);
            assertThat(proxy.commands()).containsExactly("EVAL");

            proxy.reset();
            registry.instanceHeartbeat(PRODUCT, ADS, "ads-1", T0);
            assertThat(proxy.roundTrips()).as("round trips of instanceHeartbeat").isEqualTo(1);
            assertThat(proxy.commands()).containsExactly("EVAL");

            proxy.reset();
            assertThat(registry.liveInstances(PRODUCT, ADS, T0, TEN_SECONDS)).containsExactly("ads-1");
            assertThat(proxy.roundTrips()).as("round trips of liveInstances").isEqualTo(1);
            assertThat(proxy.commands()).containsExactly("EVAL");

            proxy.reset();
            registry.leave(PRODUCT, ADS, "ads-1");
            assertThat(proxy.roundTrips()).as("round trips of leave").isEqualTo(1);
            assertThat(proxy.commands()).containsExactly("HDEL");
        }
    }
}
