package io.eventsource.examples;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import io.eventsource.core.EventsourceOptions;
import io.eventsource.core.Listener;
import io.eventsource.core.Publisher;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.tck.services.FaultProxy;
import io.eventsource.tck.services.RealService;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The real system that the fault suite breaks, set up once for all its faults: the scenario's three services
 * ({@code products}, {@code ads} with two instances, {@code api-legacy}) and a producer, each a runtime of its own
 * ({@link RealStack}) in one namespace made for the run, with the runtime's default options and short expiries
 * (1 s idle, 3 s queue expiry; the seed's 5 s heartbeat and 30 s liveness). Every runtime reaches RabbitMQ, Redis and the database
 * through a {@link FaultProxy} each, which the faults cut, refuse or restore; the test itself looks at the services
 * directly (the ack table and the log over JDBC, the broker with {@code rabbitmqctl} and amqp-client, Redis over
 * RESP), so that a fault never hides what it did.
 */
final class FaultStack implements AutoCloseable {
    static final List<String> SERVICES = List.of("products", "ads", "api-legacy");
    /** The service that runs as two instances, for the broker's single active consumer to arbitrate. */
    static final String TWO_INSTANCES = "ads";
    /**
     * A short idle timeout and queue expiry, so that a service down for a few seconds outlives its queues; the seed's
     * heartbeat interval and liveness, as deployed.
     */
    static final ExpiryPolicy EXPIRY = new ExpiryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(3),
            ExpiryPolicy.SEED.heartbeatInterval(), ExpiryPolicy.SEED.livenessTtl());

    private final RealSettings direct;
    private final RealSettings routed;
    private final FaultProxy broker;
    private final FaultProxy redis;
    private final FaultProxy database;
    private final AmqpDeliveries deliveries = new AmqpDeliveries();
    private final Handlings handlings = new Handlings();
    private final Map<String, List<RealStack>> instances = new LinkedHashMap<>();
    private final AtomicInteger instanceNumbers = new AtomicInteger();
    private RealStack producer;

    private FaultStack(RealSettings direct) {
        this.direct = direct;
        this.broker = FaultProxy.to("rabbitmq", direct.rabbitMq().uri());
        this.redis = FaultProxy.to("redis", direct.redis().uri());
        this.database = FaultProxy.to("database", java.net.URI.create(direct.mySql().jdbcUrl()));
        broker.tap(deliveries);
        this.routed = new RealSettings(direct.expiry(), direct.options(),
                direct.rabbitMq().withUri(broker.route(direct.rabbitMq().uri())),
                direct.redis().withUri(redis.route(direct.redis().uri())),
                direct.mySql().withJdbcUrl(database.route(direct.mySql().jdbcUrl())));
    }

    /**
     * Starts the proxies, every service's runtimes and the producer's, and waits until the three services are live.
     * Skips (or fails, on CI) when a real service is missing.
     */
    static FaultStack open() {
        RealService.RABBITMQ.locate();
        RealService.REDIS.locate();
        RealService.MYSQL.locate();
        RealSettings environment = RealSettings.fromEnvironment();
        RealSettings direct = environment.withExpiry(EXPIRY).withOptions(EventsourceOptions.defaults())
                .withMySql(environment.mySql().withPoolSize(4))
                .withNamespace(RealStack.freshNamespace(environment.namespace(), "faults"));
        FaultStack stack = new FaultStack(direct);
        try {
            for (String service : SERVICES) {
                stack.start(service);
                if (service.equals(TWO_INSTANCES)) {
                    stack.start(service);
                }
            }
            stack.producer = RealStack.open(stack.routed);
            if (!stack.producer.awaitUntil(stack::allLive, Duration.ofSeconds(30))) {
                throw new AssertionError("the services " + SERVICES + " were not live 30 s after they started");
            }
            return stack;
        } catch (RuntimeException | AssertionError e) {
            stack.close();
            throw e;
        }
    }

    RealSettings direct() {
        return direct;
    }

    FaultProxy broker() {
        return broker;
    }

    FaultProxy redis() {
        return redis;
    }

    FaultProxy database() {
        return database;
    }

    AmqpDeliveries deliveries() {
        return deliveries;
    }

    Handlings handlings() {
        return handlings;
    }

    Publisher publisher() {
        return producer.eventsource().publisher();
    }

    /** The bindings of the services, {@code service/projections}. */
    static List<String> bindings() {
        List<String> bindings = new ArrayList<>();
        for (String service : SERVICES) {
            bindings.add(service + "/" + Demo.PROJECTIONS.value());
        }
        return bindings;
    }

    /** Starts one more instance of the service: a runtime of its own listening with a recording handler. */
    synchronized void start(String service) {
        String instance = service + "#" + instanceNumbers.incrementAndGet();
        RealStack runtime = RealStack.open(routed);
        Listener listener = runtime.eventsource().listener(ServiceName.of(service));
        listener.listen(Demo.PRODUCT, Demo.PROJECTIONS).onAny(handlings.recorder(service, instance));
        listener.start();
        instances.computeIfAbsent(service, s -> new ArrayList<>()).add(runtime);
    }

    /** Stops every instance of the service gracefully (its runtime closes): the service is down. */
    synchronized void stop(String service) {
        List<RealStack> running = instances.remove(service);
        if (running != null) {
            running.forEach(RealStack::close);
        }
    }

    /** Whether the service has an instance running. */
    synchronized boolean running(String service) {
        return instances.containsKey(service);
    }

    /** Whether the registry, read through its proxy, lists every service as live. */
    boolean allLive() {
        return producer.registry().liveServices(Demo.PRODUCT, Instant.now()).size() == SERVICES.size();
    }

    /** Every proxy forwards again. */
    void restoreAll() {
        broker.restore();
        redis.restore();
        database.restore();
    }

    /** Deletes every Redis key of the namespace, as a Redis restart without persistence would. */
    List<String> deleteRegistryKeys() {
        return RedisKeys.deleteAll(direct.redis().uri(), direct.namespace().prefix());
    }

    /** Polls until {@code condition} holds or {@code limit} passed (a failing poll counts as not yet). */
    boolean awaitUntil(java.util.function.BooleanSupplier condition, Duration limit) {
        return producer.awaitUntil(condition, limit);
    }

    /** One event of the log. */
    record Logged(String eventId, AggregateRef aggregate, long sequence, Instant occurredAt) {
        @Override
        public String toString() {
            return aggregate + "#" + sequence + " (" + eventId + ")";
        }
    }

    /** One row of the ack table. */
    record AckRow(String eventId, String binding, String status, int attempts, AggregateRef aggregate, long sequence,
                  long ackedAtNanos) {
        @Override
        public String toString() {
            return binding + " " + status + " " + aggregate + "#" + sequence + " (" + eventId + ", " + attempts
                    + " attempt(s))";
        }
    }

    /** The events of the log whose product ids start with {@code prefix}, by aggregate and sequence. */
    List<Logged> log(String prefix) {
        String sql = "SELECT event_id, aggregate_type, aggregate_id, aggregate_sequence, occurred_at_ns FROM "
                + direct.mySql().tablePrefix() + "event WHERE LEFT(aggregate_id, ?) = ?"
                + " ORDER BY aggregate_id, aggregate_sequence";
        List<Logged> logged = new ArrayList<>();
        query(sql, byPrefix(prefix), rows -> logged.add(new Logged(rows.getString(1), AggregateRef.of(rows.getString(2),
                rows.getString(3)), rows.getLong(4), nanosToInstant(rows.getLong(5)))));
        return logged;
    }

    /** The acks of the products whose ids start with {@code prefix}, by binding, aggregate and sequence. */
    List<AckRow> acks(String prefix) {
        String sql = "SELECT event_id, service, projection, LOWER(status), attempts, aggregate_type, aggregate_id,"
                + " aggregate_sequence, acked_at_ns FROM " + direct.mySql().tablePrefix() + "ack"
                + " WHERE LEFT(aggregate_id, ?) = ? ORDER BY service, projection, aggregate_id, aggregate_sequence";
        List<AckRow> acks = new ArrayList<>();
        query(sql, byPrefix(prefix), rows -> acks.add(ackRow(rows)));
        return acks;
    }

    /** The number of ok acks per binding of the products whose ids start with {@code prefix}. */
    Map<String, Long> okAcks(String prefix) {
        String sql = "SELECT service, projection, COUNT(*) FROM " + direct.mySql().tablePrefix() + "ack"
                + " WHERE LEFT(aggregate_id, ?) = ? AND LOWER(status) = 'ok' GROUP BY service, projection";
        Map<String, Long> counts = new HashMap<>();
        query(sql, byPrefix(prefix), rows -> counts.put(rows.getString(1) + "/" + rows.getString(2), rows.getLong(3)));
        return counts;
    }

    /** Publishes through amqp-client straight to the broker (not through the proxy), on a channel of its own. */
    void onBroker(BrokerWork work) throws IOException, TimeoutException, InterruptedException {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(direct.rabbitMq().uri());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        factory.setAutomaticRecoveryEnabled(false);
        try (com.rabbitmq.client.Connection connection = factory.newConnection("eventsource fault suite");
             Channel channel = connection.createChannel()) {
            work.on(channel);
        }
    }

    /** Work on a raw channel. */
    interface BrokerWork {
        void on(Channel channel) throws IOException, TimeoutException, InterruptedException;
    }

    /**
     * The namespace's queues on the broker whose names {@code which} accepts, with their ready and unacknowledged
     * messages and consumers, as {@code rabbitmqctl} lists them (which, unlike a passive declaration, does not count
     * as using a queue).
     */
    List<String> queues(Predicate<String> which) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("rabbitmqctl", "list_queues", "-s", "name", "messages_ready",
                "messages_unacknowledged", "consumers").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("rabbitmqctl list_queues failed: " + output);
        }
        List<String> queues = new ArrayList<>();
        output.lines().map(String::trim).filter(line -> !line.isEmpty())
                .filter(line -> which.test(line.split("\\s+")[0])).forEach(queues::add);
        return queues;
    }

    /** The namespace's name for an object: {@code {ns}name}. */
    String named(String name) {
        return direct.namespace().apply(name);
    }

    /** Stops every runtime, closes the proxies, drops the namespace's tables and announcement objects. */
    @Override
    public void close() {
        List<RealStack> all = new ArrayList<>();
        synchronized (this) {
            if (producer != null) {
                all.add(producer);
            }
            instances.values().forEach(all::addAll);
            instances.clear();
        }
        all.forEach(RealStack::close);
        broker.close();
        redis.close();
        database.close();
        List<Binding> bindings = new ArrayList<>();
        for (String service : SERVICES) {
            bindings.add(new Binding(ServiceName.of(service), Demo.PRODUCT, Demo.PROJECTIONS));
        }
        NamespaceCleanup.drop(direct, bindings);
    }

    private interface RowReader {
        void read(ResultSet rows) throws SQLException;
    }

    private interface Parameters {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Binds {@code LEFT(aggregate_id, ?) = ?} to the prefix. */
    private static Parameters byPrefix(String prefix) {
        return statement -> {
            statement.setInt(1, prefix.length());
            statement.setString(2, prefix);
        };
    }

    private static AckRow ackRow(ResultSet rows) throws SQLException {
        return new AckRow(rows.getString(1), rows.getString(2) + "/" + rows.getString(3), rows.getString(4),
                rows.getInt(5), AggregateRef.of(rows.getString(6), rows.getString(7)), rows.getLong(8),
                rows.getLong(9));
    }

    private void query(String sql, Parameters parameters, RowReader reader) {
        try (Connection connection = DriverManager.getConnection(direct.mySql().jdbcUrl(), direct.mySql().user(),
                direct.mySql().password()); PreparedStatement statement = connection.prepareStatement(sql)) {
            parameters.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    reader.read(rows);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read " + sql + ": " + e, e);
        }
    }

    private static Instant nanosToInstant(long nanos) {
        return Instant.ofEpochSecond(0, nanos);
    }
}
