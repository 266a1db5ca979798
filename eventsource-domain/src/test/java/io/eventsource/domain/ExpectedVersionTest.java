package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpectedVersionTest {

    @Test
    void anyAdmitsEveryVersion() {
        assertThat(ExpectedVersion.ANY.admits(0)).isTrue();
        assertThat(ExpectedVersion.ANY.admits(42)).isTrue();
    }

    @Test
    void noneAdmitsOnlyAnAggregateWithoutEvents() {
        assertThat(ExpectedVersion.NONE.admits(0)).isTrue();
        assertThat(ExpectedVersion.NONE.admits(1)).isFalse();
        assertThat(ExpectedVersion.exactly(0)).isEqualTo(ExpectedVersion.NONE);
    }

    @Test
    void exactlyAdmitsOnlyThatVersion() {
        assertThat(ExpectedVersion.exactly(3).admits(3)).isTrue();
        assertThat(ExpectedVersion.exactly(3).admits(2)).isFalse();
        assertThat(ExpectedVersion.exactly(3).admits(4)).isFalse();
    }

    @Test
    void saysWhatItExpectsAndRefusesNonsense() {
        assertThat(ExpectedVersion.ANY).hasToString("any version");
        assertThat(ExpectedVersion.NONE).hasToString("no events yet");
        assertThat(ExpectedVersion.exactly(5)).hasToString("version 5");
        assertThatThrownBy(() -> ExpectedVersion.exactly(-2)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("-1 (any), 0 (no events yet) or a sequence");
    }

    @Test
    void aConflictSaysWhatWasExpectedAndFound() {
        ConcurrencyConflictException conflict = new ConcurrencyConflictException(AggregateRef.of("Product", "42"),
                ExpectedVersion.NONE, 3);

        assertThat(conflict).hasMessage("append to Product-42 expected no events yet but the aggregate is at version 3;"
                + " nothing was written");
        assertThat(conflict.actual()).isEqualTo(3);
    }
}
