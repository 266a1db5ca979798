package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequenceVerdictTest {

    @Test
    void theNextSequenceIsNext() {
        assertThat(SequenceVerdict.of(0, 1)).isInstanceOf(SequenceVerdict.Next.class);
        assertThat(SequenceVerdict.of(7, 8)).isInstanceOf(SequenceVerdict.Next.class);
    }

    @Test
    void aLaterSequenceIsAGapOfTheMissingOnes() {
        assertThat(SequenceVerdict.of(3, 7)).isEqualTo(new SequenceVerdict.Gap(4, 6));
        assertThat(((SequenceVerdict.Gap) SequenceVerdict.of(0, 2)).size()).isEqualTo(1);
    }

    @Test
    void anEarlierOrEqualSequenceIsADuplicate() {
        assertThat(SequenceVerdict.of(5, 5)).isInstanceOf(SequenceVerdict.Duplicate.class);
        assertThat(SequenceVerdict.of(5, 1)).isInstanceOf(SequenceVerdict.Duplicate.class);
    }

    @Test
    void refusesSequencesBelowOne() {
        assertThatThrownBy(() -> SequenceVerdict.of(0, 0)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("sequences start at 1");
    }
}
