package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplayRequestTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Binding BINDING = Binding.of("ads", "Product", "projections");

    @Test
    void narrowsFromAllAndKeepsEachFilter() {
        ReplayRequest request = ReplayRequest.all().id("prices").ofAggregate(AggregateId.of("42")).positions(10, 20)
                .occurredBetween(T0, T0.plusSeconds(60)).failedOnly().throttle(7);

        assertThat(request.id()).isEqualTo(ReplayId.of("prices"));
        assertThat(request.aggregateFilter()).contains(AggregateId.of("42"));
        assertThat(request.fromPosition()).isEqualTo(10);
        assertThat(request.toPosition()).isEqualTo(20);
        assertThat(request.occurredFrom()).isEqualTo(T0);
        assertThat(request.occurredBefore()).isEqualTo(T0.plusSeconds(60));
        assertThat(request.onlyFailed()).isTrue();
        assertThat(request.eventsPerSecond()).isEqualTo(7);
        assertThat(request.isReset()).isFalse();
        assertThat(ReplayRequest.all().eventsPerSecond()).isEqualTo(ReplayRequest.DEFAULT_RATE);
        assertThat(ReplayRequest.all().id()).isNotEqualTo(ReplayRequest.all().id());
    }

    @Test
    void aResetReplaysEverythingAboveItsPosition() {
        ReplayRequest reset = ReplayRequest.resetAbove(0);

        assertThat(reset.isReset()).isTrue();
        assertThat(reset.fromPosition()).isEqualTo(1);
        assertThat(reset.toPosition()).isEqualTo(Long.MAX_VALUE);
        assertThat(ReplayRequest.resetAbove(99).fromPosition()).isEqualTo(100);
        assertThatThrownBy(() -> ReplayRequest.resetAbove(-1)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> ReplayRequest.resetAbove(5).failedOnly()).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("no other filter");
    }

    @Test
    void refusesEmptyRangesAThrottleOutOfBoundsAndABadId() {
        assertThatThrownBy(() -> ReplayRequest.all().positions(0, 5)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("1 <= from <= to");
        assertThatThrownBy(() -> ReplayRequest.all().positions(6, 5)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> ReplayRequest.all().occurredBetween(T0, T0)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("from < before");
        assertThatThrownBy(() -> ReplayRequest.all().throttle(ReplayRequest.MAX_RATE + 1))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("events/s");
        assertThatThrownBy(() -> ReplayRequest.all().id("Prices 2026")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("[a-z0-9-]");
        assertThatThrownBy(() -> ReplayId.of("x".repeat(ReplayId.MAX_LENGTH + 1)))
                .isInstanceOf(InvalidValueException.class);
    }

    @Test
    void progressCountsWhatIsLeftAndItsTimeAtTheThrottle() {
        ReplayRequest request = ReplayRequest.all().positions(5, 500).throttle(50);
        ReplayProgress started = ReplayProgress.started(BINDING, request, 200, 480, T0);

        assertThat(started.lastPosition()).isEqualTo(4);
        assertThat(started.remaining()).isEqualTo(200);
        assertThat(started.fraction()).isZero();
        assertThat(started.eta()).isEqualTo(Duration.ofSeconds(4));
        assertThat(started.finished()).isFalse();

        ReplayProgress half = started.advanced(100, 300, T0.plusSeconds(2));
        assertThat(half.sent()).isEqualTo(100);
        assertThat(half.lastPosition()).isEqualTo(300);
        assertThat(half.fraction()).isEqualTo(0.5);
        assertThat(half.eta()).isEqualTo(Duration.ofSeconds(2));
        assertThat(half.updatedAt()).isEqualTo(T0.plusSeconds(2));

        ReplayProgress done = half.advanced(105, 480, T0.plusSeconds(4)).done(T0.plusSeconds(4));
        assertThat(done.finished()).isTrue();
        assertThat(done.remaining()).as("a failure recorded after the count was sent too").isZero();
        assertThat(done.fraction()).isEqualTo(1.0);
        assertThat(done.lastPosition()).isEqualTo(480);
        assertThat(ReplayProgress.started(BINDING, request, 0, 4, T0).finished()).as("nothing selected").isTrue();
        assertThatThrownBy(() -> new ReplayProgress(ReplayId.of("other"), BINDING, request, 0, 0, 0, 0, false, T0,
                T0)).isInstanceOf(InvalidValueException.class);
    }
}
