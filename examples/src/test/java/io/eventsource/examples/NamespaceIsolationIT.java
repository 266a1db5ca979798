package io.eventsource.examples;

import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.Listener;
import io.eventsource.core.Publisher;
import io.eventsource.core.SweepPolicy;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.tck.services.RealService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The namespaces {@code iso.a.} and {@code iso_a.} once shared their tables ({@code iso_a_es_*}), so a listener in
 * one handled the other's events. Now the first is refused with a message that gives the valid form, and two valid
 * namespaces as close as {@code X_a.} and {@code X.} (each a name of this run, {@code X} = {@code iso_xxxxxxxx}, so
 * that no other run meets them) keep apart on the real services: a service that listens in one never handles the
 * other's events, neither through the broker nor through its sweeper, which reads its namespace's tables.
 */
class NamespaceIsolationIT {
    private static final ExpiryPolicy SHORT = new ExpiryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofSeconds(1), Duration.ofSeconds(10));
    /** Sweeps every second for events older than 3 s that a binding has no ack for. */
    private static final SweepPolicy QUICK_SWEEP = new SweepPolicy(true, Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofMinutes(15), 500, 100);
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final ServiceName PRODUCTS = ServiceName.of("products");

    @BeforeAll
    static void servicesAreThere() {
        RealService.RABBITMQ.locate();
        RealService.REDIS.locate();
        RealService.MYSQL.locate();
    }

    @Test
    void refusesTheDottedFormBeforeItReachesAnyServiceSayingWhichFormIsValid() {
        assertThatThrownBy(() -> RealSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", "iso.a.")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("EVENTSOURCE_NAMESPACE: Namespace must be 1-36 characters of [a-z0-9_] starting"
                        + " with a letter, then one '.' that ends it, such as \"staging.\", got \"iso.a.\"; did you mean"
                        + " \"iso_a.\"?");
        assertThat(RealSettings.fromEnvironment(Map.of("EVENTSOURCE_NAMESPACE", "iso_a.")).mySql().tablePrefix())
                .isEqualTo("iso_a_es_");
    }

    @Test
    void twoNearNamespacesNeverHandleEachOthersEventsThroughTheBrokerOrTheSweeper() throws Exception {
        RealSettings fromEnvironment = RealSettings.fromEnvironment();
        Namespace run = RealStack.freshNamespace(fromEnvironment.namespace(), "iso");
        String name = run.prefix().substring(0, run.prefix().length() - 1);
        assertThatThrownBy(() -> Namespace.of(name + ".a.")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("did you mean \"" + name + "_a.\"?");
        RealSettings base = fromEnvironment.withExpiry(SHORT).withOptions(EventsourceOptions.defaults()
                .withSweep(QUICK_SWEEP)).withMySql(fromEnvironment.mySql().withPoolSize(2));
        RealSettings a = base.withNamespace(Namespace.of(name + "_a."));
        RealSettings b = base.withNamespace(run);
        assertThat(a.mySql().tablePrefix()).isEqualTo(name + "_a_es_");
        assertThat(b.mySql().tablePrefix()).isEqualTo(name + "_es_");

        List<Integer> productsOfA = List.of(50, 51, 52, 53, 54);
        List<Integer> productsOfB = IntStream.range(0, 10).boxed().toList();
        List<RealStack> stacks = new ArrayList<>();
        RealServicesIT.Records handledInA = new RealServicesIT.Records();
        RealServicesIT.Records handledInB = new RealServicesIT.Records();
        try {
            RealStack adsOfA = RealStack.open(a);
            stacks.add(adsOfA);
            RealStack adsOfB = RealStack.open(b);
            stacks.add(adsOfB);
            RealStack productsOfBStack = RealStack.open(b);
            stacks.add(productsOfBStack);
            listen(adsOfB, "ads", handledInB);
            listen(productsOfBStack, "products", new RealServicesIT.Records());
            assertThat(adsOfB.awaitUntil(() -> liveServices(adsOfB).equals(Set.of(ADS, PRODUCTS)), DEADLINE))
                    .as("ads and products live in %s", b.namespace()).isTrue();
            assertThat(liveServices(adsOfA)).as("live services seen from %s", a.namespace()).isEmpty();

            // both namespaces publish while only B listens: A's events wait in A's log for A's sweeper
            publish(adsOfB.eventsource().publisher(), productsOfB, 1, 3, "b");
            publish(adsOfA.eventsource().publisher(), productsOfA, 1, 2, "a");
            assertThat(adsOfB.awaitUntil(() -> okAcks(b) == 30 * 2, DEADLINE)).as("B's 30 events acked by its two"
                    + " services: %d acks", okAcks(b)).isTrue();

            // A's listener starts after B's events are in the log: what it gets, its sweeper re-drives from A's log;
            // had A read B's tables, the same sweeps would have re-driven B's events to it
            listen(adsOfA, "ads", handledInA);
            assertThat(adsOfA.awaitUntil(() -> okAcks(a) == 10 && handledInA.handled() >= 10, DEADLINE))
                    .as("A's 10 events re-driven by its sweeper: %d acks", okAcks(a)).isTrue();

            // now both listen: a later event in B goes through B's broker names only, then one in A through A's
            publish(adsOfB.eventsource().publisher(), productsOfB, 4, 4, "b");
            assertThat(adsOfB.awaitUntil(() -> okAcks(b) == 40 * 2, DEADLINE)).as("B's 40 events acked").isTrue();
            publish(adsOfA.eventsource().publisher(), productsOfA, 3, 3, "a");
            assertThat(adsOfA.awaitUntil(() -> okAcks(a) == 15 && handledInA.handled() >= 15, DEADLINE))
                    .as("A's 15 events acked: %d", okAcks(a)).isTrue();

            assertThat(handledInA.snapshot()).as("what ads handled in %s", a.namespace())
                    .isEqualTo(sequences(productsOfA, 3));
            assertThat(handledInB.snapshot()).as("what ads handled in %s", b.namespace())
                    .isEqualTo(sequences(productsOfB, 4));
            assertThat(ackedAggregates(a)).isEqualTo(ids(productsOfA));
            assertThat(ackedAggregates(b)).isEqualTo(ids(productsOfB));
            assertThat(count(a, "event")).isEqualTo(15);
            assertThat(count(b, "event")).isEqualTo(40);
            assertThat(okAcks(a)).isEqualTo(15);
            assertThat(okAcks(b)).isEqualTo(80);
            assertThat(liveServices(adsOfA)).isEqualTo(Set.of(ADS));
            assertThat(liveServices(adsOfB)).isEqualTo(Set.of(ADS, PRODUCTS));
            assertThat(Topology.of(a.namespace()).announcementQueue(Demo.PRODUCT, ADS).value())
                    .isEqualTo(name + "_a.ProductAggregateIds-ads")
                    .isNotEqualTo(Topology.of(b.namespace()).announcementQueue(Demo.PRODUCT, ADS).value());
        } finally {
            stacks.forEach(RealStack::close);
            NamespaceCleanup.drop(a, List.of(new Binding(ADS, Demo.PRODUCT, Demo.PROJECTIONS)));
            NamespaceCleanup.drop(b, List.of(new Binding(ADS, Demo.PRODUCT, Demo.PROJECTIONS),
                    new Binding(PRODUCTS, Demo.PRODUCT, Demo.PROJECTIONS)));
        }
    }

    private static void listen(RealStack stack, String service, RealServicesIT.Records records) {
        Demo.Projector projector = ServiceInstance.SERVICES.get(service).get()
                .observedBy((event, view) -> records.add(event.aggregate(), event.sequence()));
        Listener listener = stack.eventsource().listener(projector.service());
        projector.bind(listener);
        listener.start();
    }

    /** Events {@code from}..{@code to} of each product, one publish per product; event ids start with {@code tag}. */
    private static void publish(Publisher publisher, List<Integer> products, int from, int to, String tag) {
        Random random = new Random(from);
        for (int i : products) {
            AggregateRef product = Demo.product(i);
            List<NewEvent> events = new ArrayList<>();
            for (int sequence = from; sequence <= to; sequence++) {
                String id = tag + "-" + i + "-" + sequence;
                events.add(sequence == 1 ? Demo.created(random, product, id, Instant.now())
                        : Demo.change(random, product, false, id, Instant.now()));
            }
            publisher.publish(product, ExpectedVersion.ANY, events);
        }
    }

    private static Set<ServiceName> liveServices(RealStack stack) {
        return stack.registry().liveServices(Demo.PRODUCT, Instant.now());
    }

    private static Map<AggregateRef, List<Long>> sequences(List<Integer> products, int last) {
        return products.stream().collect(Collectors.toMap(Demo::product,
                i -> LongStream.rangeClosed(1, last).boxed().toList()));
    }

    private static Set<String> ids(List<Integer> products) {
        return products.stream().map(i -> Demo.product(i).id().value()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static long okAcks(RealSettings settings) {
        return count(settings, "ack WHERE LOWER(status) = 'ok'");
    }

    /** Rows of the namespace's table {@code tableAndCondition} ({@code event}, {@code ack WHERE ...}). */
    private static long count(RealSettings settings, String tableAndCondition) {
        try (Connection connection = connect(settings); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + settings.mySql().tablePrefix()
                     + tableAndCondition)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> ackedAggregates(RealSettings settings) throws SQLException {
        Set<String> ids = new TreeSet<>();
        try (Connection connection = connect(settings); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT DISTINCT aggregate_id FROM "
                     + settings.mySql().tablePrefix() + "ack")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    private static Connection connect(RealSettings settings) throws SQLException {
        return DriverManager.getConnection(settings.mySql().jdbcUrl(), settings.mySql().user(),
                settings.mySql().password());
    }
}
