package io.eventsource.adapter.postgresql;

import io.eventsource.domain.AggregateId;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.ConcurrencyConflictException;
import io.eventsource.domain.DuplicateEventIdException;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.InvalidValueException;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.PayloadTooLargeException;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.PermanentPortException;
import io.eventsource.ports.TransientPortException;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the PostgreSQL event log adds to the contract: real concurrency (positions that commit in order), real
 * limits, a real server's failures.
 */
class PostgreSqlEventLogIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456789Z");
    private static TestDatabase database;
    private static SessionFactory sessionFactory;
    private static HibernateEventLog log;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        sessionFactory = HibernateBootstrap.open(database.settings().withPoolSize(8));
        log = new HibernateEventLog(sessionFactory, database.settings());
    }

    @AfterAll
    static void stop() {
        if (sessionFactory != null) {
            sessionFactory.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void concurrentAppendersOnOneAggregateEachSequenceIsWonByExactlyOne() throws Exception {
        AggregateRef aggregate = fresh();
        int appenders = 6;
        int rounds = 15;
        CyclicBarrier read = new CyclicBarrier(appenders);
        CyclicBarrier append = new CyclicBarrier(appenders);
        AtomicInteger[] winners = IntStream.range(0, rounds).mapToObj(i -> new AtomicInteger()).toArray(AtomicInteger[]::new);
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(appenders);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int a = 0; a < appenders; a++) {
                done.add(threads.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        read.await(10, TimeUnit.SECONDS);
                        long version = log.version(aggregate);
                        append.await(10, TimeUnit.SECONDS);
                        try {
                            log.append(aggregate, ExpectedVersion.exactly(version), List.of(event("Raced")));
                            winners[round].incrementAndGet();
                        } catch (ConcurrencyConflictException lost) {
                            assertThat(lost.actual()).isGreaterThan(version);
                        } catch (RuntimeException e) {
                            unexpected.add(e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(unexpected).isEmpty();
        assertThat(winners).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        assertThat(log.read(aggregate, 1, Long.MAX_VALUE)).extracting(Event::sequence)
                .containsExactlyElementsOf(LongRange.of(1, rounds));
    }

    @Test
    void concurrentAppendersAtAnyVersionAllGetTheirOwnSequences() throws Exception {
        AggregateRef aggregate = fresh();
        int appenders = 4;
        int each = 20;
        ExecutorService threads = Executors.newFixedThreadPool(appenders);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int a = 0; a < appenders; a++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        log.append(aggregate, ExpectedVersion.ANY, List.of(event("Any")));
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(log.version(aggregate)).isEqualTo(appenders * each);
        assertThat(log.read(aggregate, 1, Long.MAX_VALUE)).extracting(Event::sequence)
                .containsExactlyElementsOf(LongRange.of(1, appenders * each));
    }

    @Test
    void staleExpectedVersionWritesNothing() throws Exception {
        AggregateRef aggregate = fresh();
        log.append(aggregate, ExpectedVersion.NONE, List.of(event("First"), event("Second")));
        long rowsBefore = countRows();
        NewEvent stale = event("Stale");

        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.exactly(1), List.of(stale, event("Also"))))
                .isInstanceOfSatisfying(ConcurrencyConflictException.class, conflict -> {
                    assertThat(conflict.actual()).isEqualTo(2);
                    assertThat(conflict.expected()).isEqualTo(ExpectedVersion.exactly(1));
                });
        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.NONE, List.of(stale)))
                .isInstanceOf(ConcurrencyConflictException.class);
        assertThatThrownBy(() -> log.append(aggregate, ExpectedVersion.exactly(5), List.of(stale)))
                .isInstanceOf(ConcurrencyConflictException.class);

        assertThat(countRows()).isEqualTo(rowsBefore);
        assertThat(log.version(aggregate)).isEqualTo(2);
        assertThat(log.read(LogQuery.all().limit(LogQuery.MAX_LIMIT)).events())
                .noneMatch(logged -> logged.event().id().equals(stale.id()));
    }

    @Test
    void aRetriedAppendOfTheSameEventsReturnsThemOnce() {
        AggregateRef aggregate = fresh();
        List<NewEvent> events = List.of(event("Created"), event("Renamed"));
        List<LoggedEvent> first = log.append(aggregate, ExpectedVersion.NONE, events);

        List<LoggedEvent> again = log.append(aggregate, ExpectedVersion.NONE, events);

        assertThat(again).isEqualTo(first);
        assertThat(log.version(aggregate)).isEqualTo(2);
    }

    @Test
    void anEventIdAlreadyLoggedForOtherEventsIsRefused() {
        AggregateRef aggregate = fresh();
        NewEvent original = event("Created");
        log.append(aggregate, ExpectedVersion.NONE, List.of(original));
        NewEvent reused = new NewEvent(original.id(), EventName.of("Other"), Payload.text("x"), Map.of(), T0);

        assertThatThrownBy(() -> log.append(fresh(), ExpectedVersion.NONE, List.of(reused)))
                .isInstanceOf(DuplicateEventIdException.class)
                .hasMessageContaining(original.id().value())
                .hasMessageContaining("already in the log");
    }

    @Test
    void refusesPayloadsOverTheConfiguredLimitWithAHelpfulMessage() throws Exception {
        HibernateEventLog limited = new HibernateEventLog(sessionFactory, database.settings().withPayloadLimit(1_000));
        AggregateRef aggregate = fresh();
        long rowsBefore = countRows();
        NewEvent atLimit = new NewEvent(EventId.random(), EventName.of("Big"), new Payload(new byte[1_000], "application/octet-stream"),
                Map.of(), T0);
        NewEvent overLimit = new NewEvent(EventId.random(), EventName.of("TooBig"),
                new Payload(new byte[1_001], "application/octet-stream"), Map.of(), T0);

        assertThatThrownBy(() -> limited.append(aggregate, ExpectedVersion.NONE, List.of(atLimit, overLimit)))
                .isInstanceOf(PayloadTooLargeException.class)
                .hasMessageContaining("1001 bytes")
                .hasMessageContaining("limit of 1000 bytes")
                .hasMessageContaining("PostgreSqlSettings.payloadLimit");
        assertThat(countRows()).isEqualTo(rowsBefore);

        List<LoggedEvent> logged = limited.append(aggregate, ExpectedVersion.NONE, List.of(atLimit));
        assertThat(log.read(aggregate, 1, 1)).containsExactly(logged.get(0).event());
    }

    @Test
    void storesAPayloadAtTheLargestLimitByteForByte() {
        PostgreSqlSettings atLargest = database.settings().withPayloadLimit(PostgreSqlSettings.MAX_PAYLOAD_LIMIT);
        byte[] bytes = new byte[PostgreSqlSettings.MAX_PAYLOAD_LIMIT];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        NewEvent biggest = new NewEvent(EventId.random(), EventName.of("Big"), new Payload(bytes, "application/pdf"),
                Map.of("correlation", "c-1"), T0);
        AggregateRef aggregate = fresh();

        new HibernateEventLog(sessionFactory, atLargest).append(aggregate, ExpectedVersion.NONE, List.of(biggest));

        assertThat(log.read(aggregate, 1, 1).get(0).payload()).isEqualTo(biggest.payload());
    }

    @Test
    void storesNamesAtTheirColumnSizesAndRefusesLongerOnesWithAHelpfulMessage() {
        AggregateRef longest = new AggregateRef(AggregateType.of("T" + "y".repeat(AggregateType.MAX_LENGTH - 1)),
                AggregateId.of("i".repeat(AggregateId.MAX_LENGTH)));
        NewEvent widest = new NewEvent(EventId.of("e" + UUID.randomUUID().toString().replace("-", "")
                + "x".repeat(EventId.MAX_LENGTH - 33)), EventName.of("n".repeat(EventName.MAX_LENGTH)),
                new Payload("ü".getBytes(java.nio.charset.StandardCharsets.UTF_8), "t".repeat(100)),
                Map.of("ключ", "значение \"quoted\" \\ \n\t\u0001 😀"), T0);

        List<LoggedEvent> logged = log.append(longest, ExpectedVersion.NONE, List.of(widest));
        assertThat(log.read(longest, 1, 1)).containsExactly(logged.get(0).event());
        assertThat(logged.get(0).event().occurredAt()).isEqualTo(T0);

        assertThatThrownBy(() -> AggregateId.of("i".repeat(AggregateId.MAX_LENGTH + 1)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("1-128 characters");
        assertThatThrownBy(() -> HibernateEventLog.check("EventName", "n".repeat(200), 128))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("200 characters")
                .hasMessageContaining("at most 128");
        NewEvent hugeMetadata = new NewEvent(EventId.random(), EventName.of("Meta"), Payload.text(""),
                Map.of("blob", "m".repeat(70_000)), T0);
        assertThatThrownBy(() -> log.append(fresh(), ExpectedVersion.NONE, List.of(hugeMetadata)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("metadata")
                .hasMessageContaining("limit of 65535 bytes");
    }

    @Test
    void readsTheWholeLogInPagesWithFilters() {
        AggregateType type = AggregateType.of("Paged" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
        AggregateRef a = new AggregateRef(type, AggregateId.of("a"));
        AggregateRef b = new AggregateRef(type, AggregateId.of("b"));
        for (int i = 0; i < 5; i++) {
            log.append(a, ExpectedVersion.ANY, List.of(eventAt("A", T0.plusSeconds(i))));
            log.append(b, ExpectedVersion.ANY, List.of(eventAt("B", T0.plusSeconds(i))));
        }
        LogQuery ofType = LogQuery.all().ofType(type).limit(4);
        List<LoggedEvent> all = new ArrayList<>();
        LogPage page = log.read(ofType);
        all.addAll(page.events());
        while (page.hasMore()) {
            page = log.read(ofType.after(page.lastPosition()));
            all.addAll(page.events());
        }
        assertThat(all).hasSize(10);
        assertThat(all).extracting(LoggedEvent::position).isSorted().doesNotHaveDuplicates();

        LogPage ofB = log.read(LogQuery.all().ofAggregate(type, b.id()).occurredBetween(T0.plusSeconds(1), T0.plusSeconds(3)));
        assertThat(ofB.events()).extracting(logged -> logged.event().sequence()).containsExactly(2L, 3L);
        assertThat(ofB.hasMore()).isFalse();

        LogPage empty = log.read(LogQuery.all().ofType(type).after(all.get(9).position()));
        assertThat(empty.events()).isEmpty();
        assertThat(empty.lastPosition()).isEqualTo(all.get(9).position());
    }

    @Test
    void theOutboxListsUnpublishedEventsUntilMarked() {
        Instant old = Instant.parse("2001-01-01T00:00:00Z");
        AggregateRef aggregate = fresh();
        List<LoggedEvent> logged = log.append(aggregate, ExpectedVersion.NONE,
                List.of(eventAt("One", old), eventAt("Two", old.plusSeconds(1))));
        List<EventId> ids = logged.stream().map(e -> e.event().id()).toList();

        assertThat(log.unpublished(old.plusSeconds(1), 100)).extracting(e -> e.event().id()).containsExactly(ids.get(0));
        log.markPublished(List.of(ids.get(0), EventId.random()), T0);
        log.markPublished(List.of(ids.get(0)), T0.plusSeconds(60));

        assertThat(log.unpublished(old.plusSeconds(10), 100)).extracting(e -> e.event().id())
                .contains(ids.get(1)).doesNotContain(ids.get(0));
        assertThat(log.read(LogQuery.all().ofAggregate(aggregate.type(), aggregate.id())).events().get(0).publishedAt())
                .isEqualTo(T0);
    }

    @Test
    void anUnreachableDatabaseIsTransientAndWrongCredentialsArePermanent() {
        assertThatThrownBy(() -> HibernateBootstrap.open(database.settings().withJdbcUrl("jdbc:postgresql://127.0.0.1:1/test")))
                .isInstanceOf(TransientPortException.class)
                .hasMessageContaining("127.0.0.1:1");
        // the local server trusts every password: a user it does not know is what it refuses
        PostgreSqlSettings unknownUser = new PostgreSqlSettings(database.settings().jdbcUrl(), "no_such_role_es",
                "not-the-password", database.settings().tls(), 1, 1_000, 10, java.time.Duration.ZERO, "es_");
        assertThatThrownBy(() -> HibernateBootstrap.open(unknownUser))
                .isInstanceOf(PermanentPortException.class)
                .hasMessageContaining("no_such_role_es")
                .hasMessageNotContaining("not-the-password");
    }

    private static AggregateRef fresh() {
        return AggregateRef.of("Product", UUID.randomUUID().toString());
    }

    @Test
    void metadataIsStoredAsBeforeJacksonAndRowsStoredThenReadAsTheyDid() throws SQLException {
        AggregateRef aggregate = fresh();
        NewEvent stored = new NewEvent(EventId.random(), EventName.of("Created"), Payload.json("{}"),
                Map.of("user", "zo\u00eb", "note", "say \"hi\"\n", "correlation-id", "c-9"), T0);
        NewEvent older = event("Renamed");
        log.append(aggregate, ExpectedVersion.NONE, List.of(stored, older));
        // the text the adapter's own writer stored before the column went through Jackson
        String before = "{\"ctl\":\"\\u0001\\u0008\",\"note\":\"C:\\\\tmp \\\"x\\\"\\t\",\"user\":\"ann\"}";
        try (Connection connection = database.connect();
             PreparedStatement update = connection.prepareStatement("UPDATE " + database.prefix() + "event SET metadata = ? WHERE event_id = ?")) {
            update.setString(1, before);
            update.setString(2, older.id().value());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        assertThat(metadataColumn(stored.id()))
                .isEqualTo("{\"correlation-id\":\"c-9\",\"note\":\"say \\\"hi\\\"\\n\",\"user\":\"zo\u00eb\"}");
        assertThat(log.read(aggregate, 1, 2)).extracting(Event::metadata).containsExactly(stored.metadata(),
                Map.of("ctl", "\u0001\b", "note", "C:\\tmp \"x\"\t", "user", "ann"));
    }

    private static String metadataColumn(EventId id) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement("SELECT metadata FROM " + database.prefix() + "event WHERE event_id = ?")) {
            select.setString(1, id.value());
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getString(1);
            }
        }
    }

    private static NewEvent event(String name) {
        return eventAt(name, T0);
    }

    private static NewEvent eventAt(String name, Instant at) {
        return new NewEvent(EventId.random(), EventName.of(name), Payload.json("{\"name\":\"" + name + "\"}"),
                Map.of("correlation", "c-1"), at);
    }

    private static long countRows() throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM " + database.prefix() + "event");
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static final class LongRange {
        static List<Long> of(long from, long to) {
            List<Long> values = new ArrayList<>();
            for (long i = from; i <= to; i++) {
                values.add(i);
            }
            return values;
        }
    }
}
