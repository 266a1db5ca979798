package io.eventsource.domain;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceVerdictProperties {

    @Property
    void everyArrivingSequenceIsExactlyOneOfNextGapOrDuplicate(@ForAll @LongRange(min = 0, max = 1_000_000) long lastHandled,
                                                               @ForAll @LongRange(min = 1, max = 1_000_000) long arriving) {
        SequenceVerdict verdict = SequenceVerdict.of(lastHandled, arriving);
        if (arriving == lastHandled + 1) {
            assertThat(verdict).isInstanceOf(SequenceVerdict.Next.class);
        } else if (arriving <= lastHandled) {
            assertThat(verdict).isInstanceOf(SequenceVerdict.Duplicate.class);
        } else {
            SequenceVerdict.Gap gap = (SequenceVerdict.Gap) verdict;
            assertThat(gap.firstMissing()).isEqualTo(lastHandled + 1);
            assertThat(gap.lastMissing()).isEqualTo(arriving - 1);
            assertThat(gap.size()).isPositive();
        }
    }
}
