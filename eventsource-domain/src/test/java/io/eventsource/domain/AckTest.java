package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AckTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Binding ADS = Binding.of("ads", "Product", "projections");
    private static final Event EVENT = new Event(EventId.of("e-1"), AggregateRef.of("Product", "42"), 7,
            EventName.of("ProductRenamed"), Payload.json("{}"), Map.of(), T0);

    @Test
    void anAckCarriesTheEventsPlaceAndTheBindingsKey() {
        Ack ok = Ack.ok(EVENT, ADS, 1, T0);

        assertThat(ok.key()).isEqualTo(new AckKey(EventId.of("e-1"), ServiceName.of("ads"), Projection.of("projections")));
        assertThat(ok.aggregate()).isEqualTo(EVENT.aggregate());
        assertThat(ok.sequence()).isEqualTo(7);
        assertThat(ok.isOk()).isTrue();
        assertThat(ok.lastError()).isEmpty();
    }

    @Test
    void okIsFinal() {
        Ack ok = Ack.ok(EVENT, ADS, 2, T0);

        assertThat(ok.mergedWith(Ack.fail(EVENT, ADS, 1, "later", T0.plusSeconds(1)))).isSameAs(ok);
        assertThat(ok.mergedWith(Ack.ok(EVENT, ADS, 1, T0.plusSeconds(1)))).isSameAs(ok);
    }

    @Test
    void aFailBecomesOkWithTheAttemptsOfBoth() {
        Ack merged = Ack.fail(EVENT, ADS, 3, "boom", T0).mergedWith(Ack.ok(EVENT, ADS, 1, T0.plusSeconds(9)));

        assertThat(merged.status()).isEqualTo(AckStatus.OK);
        assertThat(merged.attempts()).isEqualTo(4);
        assertThat(merged.lastError()).isEmpty();
        assertThat(merged.at()).isEqualTo(T0.plusSeconds(9));
    }

    @Test
    void failuresAddUpAndKeepTheLatestError() {
        Ack merged = Ack.fail(EVENT, ADS, 1, "first", T0).mergedWith(Ack.fail(EVENT, ADS, 2, "second", T0.plusSeconds(1)));

        assertThat(merged.status()).isEqualTo(AckStatus.FAIL);
        assertThat(merged.attempts()).isEqualTo(3);
        assertThat(merged.lastError()).isEqualTo("second");
    }

    @Test
    void refusesToMergeAcksOfDifferentKeys() {
        Ack ads = Ack.fail(EVENT, ADS, 1, "x", T0);
        Ack search = Ack.ok(EVENT, Binding.of("search", "Product", "projections"), 1, T0);

        assertThatThrownBy(() -> ads.mergedWith(search)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different keys");
    }

    @Test
    void cutsALongErrorAndRefusesImpossibleCounts() {
        Ack fail = Ack.fail(EVENT, ADS, 1, "x".repeat(5000), T0);

        assertThat(fail.lastError()).hasSize(Ack.MAX_ERROR_LENGTH).endsWith("...");
        assertThat(Ack.fail(EVENT, ADS, 1, null, T0).lastError()).isEmpty();
        assertThatThrownBy(() -> Ack.ok(EVENT, ADS, 0, T0)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("attempts must be 1 or more");
    }
}
