package io.eventsource.core;

import io.eventsource.domain.Ack;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.ports.LoggedEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LagReaderTest {
    private static final Binding ADS = Binding.of("ads", "Product", "projections");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final LagReader lags = new LagReader(ports.eventLog(), ports.ackStore(), ports.checkpoints());

    private LoggedEvent append(String type, String id, Instant occurredAt) {
        return ports.eventLog().append(AggregateRef.of(type, id), ExpectedVersion.ANY, List.of(new NewEvent(
                EventId.random(), EventName.of("Happened"), Payload.text("x"), Map.of(), occurredAt))).get(0);
    }

    private void ack(LoggedEvent logged, boolean ok) {
        Ack ack = ok ? Ack.ok(logged.event(), ADS, 1, T0) : Ack.fail(logged.event(), ADS, 1, "broken", T0);
        ports.ackStore().record(List.of(ack)).toCompletableFuture().join();
    }

    @Test
    void aTypeWithoutEventsHasNoLag() {
        BindingLag lag = lags.read(ADS, T0);

        assertThat(lag).isEqualTo(new BindingLag(ADS, 0, 0, Duration.ZERO));
        assertThat(lag.events()).isZero();
    }

    @Test
    void isTheNewestPositionOfTheTypeMinusTheCheckpointAndTheAgeOfTheFirstEventWithoutAnAck() {
        LoggedEvent first = append("Product", "1", T0);
        LoggedEvent failed = append("Product", "2", T0.plusSeconds(1));
        LoggedEvent unacked = append("Product", "3", T0.plusSeconds(2));
        LoggedEvent newest = append("Product", "1", T0.plusSeconds(3));
        append("Cart", "7", T0.plusSeconds(4));
        ack(first, true);
        ack(failed, false);
        ack(newest, true);
        ports.checkpoints().save(ADS, first.position());

        BindingLag lag = lags.read(ADS, T0.plusSeconds(10));

        assertThat(lag.checkpoint()).isEqualTo(first.position());
        assertThat(lag.newestPosition()).as("the Cart event is not Product's").isEqualTo(newest.position());
        assertThat(lag.events()).isEqualTo(newest.position() - first.position());
        assertThat(lag.oldestUnackedAge()).as("a failed ack is an ack; the event at 2 s has none")
                .isEqualTo(Duration.ofSeconds(8));
        assertThat(unacked.position()).isBetween(failed.position(), newest.position());
    }

    @Test
    void hasNoUnackedAgeWhenEveryEventAfterTheCheckpointHasAnAck() {
        List<LoggedEvent> events = new ArrayList<>();
        for (int i = 0; i < LagReader.PAGE_SIZE + 3; i++) {
            events.add(append("Product", "1", T0.plusMillis(i)));
        }
        events.forEach(logged -> ack(logged, true));

        BindingLag lag = lags.read(ADS, T0.plusSeconds(60));

        assertThat(lag.events()).isEqualTo(LagReader.PAGE_SIZE + 3);
        assertThat(lag.oldestUnackedAge()).isZero();
    }

    @Test
    void readsPastFullyAckedPagesToTheFirstEventWithoutAnAck() {
        List<LoggedEvent> events = new ArrayList<>();
        for (int i = 0; i < LagReader.PAGE_SIZE + 3; i++) {
            events.add(append("Product", "1", T0.plusSeconds(i)));
        }
        events.subList(0, LagReader.PAGE_SIZE + 1).forEach(logged -> ack(logged, true));

        BindingLag lag = lags.read(ADS, T0.plusSeconds(LagReader.PAGE_SIZE + 11));

        assertThat(lag.oldestUnackedAge()).as("the event at %d s", LagReader.PAGE_SIZE + 1)
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void givesTheLastReadEventsAgeAsABoundWhenTheScanEndsBeforeAnUnackedEvent() {
        int pages = LagReader.MAX_PAGES;
        List<LoggedEvent> events = new ArrayList<>();
        for (int i = 0; i < pages * LagReader.PAGE_SIZE + 1; i++) {
            events.add(append("Product", "1", T0.plusSeconds(i)));
        }
        events.subList(0, pages * LagReader.PAGE_SIZE).forEach(logged -> ack(logged, true));
        Instant now = T0.plusSeconds(pages * LagReader.PAGE_SIZE + 100L);

        BindingLag lag = lags.read(ADS, now);

        Instant lastRead = events.get(pages * LagReader.PAGE_SIZE - 1).event().occurredAt();
        assertThat(lag.oldestUnackedAge()).as("at most the age of the last event read")
                .isEqualTo(Duration.between(lastRead, now));
        assertThat(lag.events()).isEqualTo(pages * LagReader.PAGE_SIZE + 1);
    }

    @Test
    void aCheckpointAtOrPastTheNewestPositionIsNoLag() {
        LoggedEvent only = append("Product", "1", T0);
        ports.checkpoints().save(ADS, only.position() + 5);

        BindingLag lag = lags.read(ADS, T0.plusSeconds(1));

        assertThat(lag.events()).isZero();
        assertThat(lag.oldestUnackedAge()).isZero();
    }
}
