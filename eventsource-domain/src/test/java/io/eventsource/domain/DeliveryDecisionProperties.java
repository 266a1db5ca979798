package io.eventsource.domain;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryDecisionProperties {

    /**
     * Passes of one arriving event, each reading at most {@code maxGapFill} events of the gap, hand every binding
     * each event after what it handled exactly once, in sequence order, the arriving one last; a binding that
     * already handled the arriving event gets nothing. The message comes back after each partial pass.
     */
    @Property(tries = 300)
    void passesHandleEachMissingEventOnceInOrderThenTheArrivingOne(
            @ForAll @IntRange(min = 1, max = 60) int arriving,
            @ForAll("positions") List<Integer> positions,
            @ForAll @IntRange(min = 1, max = 10) int maxGapFill) {
        int bindings = positions.size();
        long[] handledUpTo = new long[bindings];
        List<List<Long>> handled = new ArrayList<>();
        for (int i = 0; i < bindings; i++) {
            handledUpTo[i] = Math.min(positions.get(i), arriving + 3);
            handled.add(new ArrayList<>());
        }
        long[] start = handledUpTo.clone();
        int passes = 0;
        boolean done = false;
        while (!done) {
            passes++;
            List<DeliveryDecision.Seen> seen = new ArrayList<>();
            for (int i = 0; i < bindings; i++) {
                // a binding's acks are exactly what it handled
                seen.add(new DeliveryDecision.Seen(handledUpTo[i], handledUpTo[i] >= arriving ? AckStatus.OK : null,
                        false, false));
            }
            DeliveryDecision decision = DeliveryDecision.decide(arriving, seen, maxGapFill);
            assertThat(decision.lastToRead() - decision.firstMissing() + 1).as("one pass reads at most the gap fill")
                    .isLessThanOrEqualTo(maxGapFill);
            for (long sequence = decision.firstMissing(); sequence <= decision.lastToRead(); sequence++) {
                for (int i = 0; i < bindings; i++) {
                    if (decision.verdicts().get(i).needsEarlier(sequence, sequence <= handledUpTo[i])) {
                        handled.get(i).add(sequence);
                    }
                }
            }
            for (int i = 0; i < bindings; i++) {
                if (!decision.partial() && decision.verdicts().get(i).handlesArriving()) {
                    handled.get(i).add((long) arriving);
                }
                List<Long> mine = handled.get(i);
                if (!mine.isEmpty()) {
                    handledUpTo[i] = Math.max(handledUpTo[i], mine.get(mine.size() - 1));
                }
            }
            done = !decision.partial();
            assertThat(passes).as("passes").isLessThanOrEqualTo(arriving / maxGapFill + 2);
        }
        for (int i = 0; i < bindings; i++) {
            List<Long> expected = start[i] >= arriving ? List.of()
                    : LongStream.rangeClosed(start[i] + 1, arriving).boxed().toList();
            assertThat(handled.get(i)).as("binding %d, which had handled up to %d", i, start[i]).isEqualTo(expected);
        }
    }

    /** A parked binding waits, one that acked ok skips, a replay is handled again without a gap of its own. */
    @Property(tries = 200)
    void parkedBindingsWaitOkAcksSkipAndReplaysAreHandledAgain(
            @ForAll @IntRange(min = 2, max = 50) int arriving,
            @ForAll @IntRange(min = 0, max = 49) int handledUpTo,
            @ForAll @IntRange(min = 1, max = 10) int maxGapFill) {
        long last = Math.min(handledUpTo, arriving - 1);
        DeliveryDecision decision = DeliveryDecision.decide(arriving, List.of(
                new DeliveryDecision.Seen(last, null, false, true),
                new DeliveryDecision.Seen(last, AckStatus.OK, false, false),
                new DeliveryDecision.Seen(arriving, AckStatus.FAIL, true, false)), maxGapFill);

        assertThat(decision.verdicts().get(0)).isInstanceOf(DeliveryDecision.Wait.class);
        assertThat(decision.verdicts().get(1)).isInstanceOf(DeliveryDecision.Skip.class);
        assertThat(decision.verdicts().get(2).handlesArriving()).isTrue();
        assertThat(decision.firstMissing()).as("nobody handling it has a gap").isEqualTo(arriving);
        assertThat(decision.partial()).isFalse();
    }

    /**
     * A replay whose ack was forgotten (none left) is handled by its binding, on time (not a lost ack) when the binding
     * had handled it, after the binding's own gap when it had not; a binding that still has its ok ack skips the copy,
     * and the same copy delivered again once the replay recorded its ack is skipped: once per replay.
     */
    @Property(tries = 200)
    void replaysWithForgottenAcksAreHandledOnceByTheirBindingOnly(
            @ForAll @IntRange(min = 1, max = 50) int arriving,
            @ForAll @IntRange(min = 0, max = 60) int handledUpTo,
            @ForAll @IntRange(min = 1, max = 100) int maxGapFill) {
        DeliveryDecision decision = DeliveryDecision.decide(arriving, List.of(
                new DeliveryDecision.Seen(handledUpTo, null, true, false),
                new DeliveryDecision.Seen(Math.max(handledUpTo, arriving), AckStatus.OK, false, false)), maxGapFill);

        DeliveryDecision.Verdict replayed = decision.verdicts().get(0);
        assertThat(replayed).isInstanceOf(DeliveryDecision.Handle.class);
        assertThat(((DeliveryDecision.Handle) replayed).late()).as("a replay is not a lost ack").isFalse();
        assertThat(decision.firstMissing()).as("the binding's own gap first, if any")
                .isEqualTo(Math.min(arriving, handledUpTo + 1L));
        assertThat(decision.verdicts().get(1)).isInstanceOf(DeliveryDecision.Skip.class);

        DeliveryDecision again = DeliveryDecision.decide(arriving, List.of(
                new DeliveryDecision.Seen(Math.max(handledUpTo, arriving), AckStatus.OK, true, false)), maxGapFill);
        assertThat(again.verdicts().get(0)).as("the copy delivered again").isInstanceOf(DeliveryDecision.Skip.class);
    }

    @Provide
    Arbitrary<List<Integer>> positions() {
        return Arbitraries.integers().between(0, 70).list().ofMinSize(1).ofMaxSize(4);
    }
}
