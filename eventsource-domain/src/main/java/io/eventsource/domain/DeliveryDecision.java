package io.eventsource.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The delivery rule for one arriving event of an aggregate and the bindings of one service: which bindings skip
 * it, which wait (parked), which handle it, and which earlier events the log must give first. Pure: a consumer
 * reads what it needs (the event's acks, each binding's last handled sequence, its parking), decides here, then
 * acts; the rule never reads or writes anything itself.
 *
 * @param arriving the sequence of the arriving event
 * @param verdicts one per binding, in the order given
 * @param firstMissing the first sequence to read from the log before the arriving event; equal to {@code arriving}
 *                     when no binding that handles it has a gap
 * @param lastToRead the last sequence to read from the log in this pass (below {@code arriving})
 * @param partial whether the gap is longer than one pass fills: the arriving event is then not handled in this
 *                pass (its message goes back for the next pass)
 */
public record DeliveryDecision(long arriving, List<Verdict> verdicts, long firstMissing, long lastToRead,
                               boolean partial) {

    /** Copies the verdicts. */
    public DeliveryDecision {
        verdicts = List.copyOf(verdicts);
    }

    /**
     * What the consumer knows of one binding when the event arrives.
     *
     * @param handledUpTo the last sequence of the aggregate the binding handled (acked ok or fail), 0 if none
     * @param ackOfArriving the binding's ack of the arriving event, or null if it has none
     * @param replayForIt whether the arriving message is a replay for this binding: of its failure (it has a failed
     *                    ack), or of an event whose ack the replay forgot (it has none)
     * @param parked whether the binding is parked on the aggregate (by a failed event it must replay first)
     */
    public record Seen(long handledUpTo, AckStatus ackOfArriving, boolean replayForIt, boolean parked) {
        /**
         * Checks the position.
         *
         * @throws InvalidValueException if {@code handledUpTo} is negative
         */
        public Seen {
            if (handledUpTo < 0) {
                throw new InvalidValueException("Seen handledUpTo must be 0 (none) or more, got " + handledUpTo);
            }
        }
    }

    /** What one binding does with the arriving event. */
    public sealed interface Verdict {
        /**
         * Whether the binding needs an earlier event of the gap: it comes after what the binding handled, and the
         * binding has no ack of it.
         */
        boolean needsEarlier(long sequence, boolean acked);

        /** Whether the binding handles the arriving event in this pass (unless the pass is partial). */
        default boolean handlesArriving() {
            return false;
        }
    }

    /** The binding already acked the event ok (or fail, and this is no replay of it): nothing to do. */
    public record Skip() implements Verdict {
        @Override
        public boolean needsEarlier(long sequence, boolean acked) {
            return false;
        }
    }

    /** The binding is parked on the aggregate: the event waits until the failure is replayed. */
    public record Wait() implements Verdict {
        @Override
        public boolean needsEarlier(long sequence, boolean acked) {
            return false;
        }
    }

    /**
     * The binding handles the event, after the events of the gap above {@code handledUpTo} that it has no ack of.
     *
     * @param handledUpTo the last sequence it handled; {@link Long#MAX_VALUE} for a replay (no gap of its own)
     * @param late whether it handles an event below what it handled, for lack of an ack (a lost ack; not for a
     *             replay, whose ack was forgotten on purpose)
     */
    public record Handle(long handledUpTo, boolean late) implements Verdict {
        @Override
        public boolean needsEarlier(long sequence, boolean acked) {
            return sequence > handledUpTo && !acked;
        }

        @Override
        public boolean handlesArriving() {
            return true;
        }
    }

    /**
     * Decides for every binding of the service.
     *
     * @param arriving the sequence of the arriving event, 1 or more
     * @param seen what the consumer read of each binding, in the order of the verdicts
     * @param maxGapFill how many missing events one pass reads from the log, 1 or more
     * @throws InvalidValueException if {@code arriving} or {@code maxGapFill} is below 1
     */
    public static DeliveryDecision decide(long arriving, List<Seen> seen, int maxGapFill) {
        Objects.requireNonNull(seen, "seen");
        if (arriving < 1 || maxGapFill < 1) {
            throw new InvalidValueException("DeliveryDecision needs a sequence and a gap fill of 1 or more, got "
                    + arriving + " and " + maxGapFill);
        }
        List<Verdict> verdicts = new ArrayList<>(seen.size());
        long firstMissing = arriving;
        for (Seen binding : seen) {
            Verdict verdict = judge(arriving, binding);
            verdicts.add(verdict);
            if (verdict instanceof Handle handle && handle.handledUpTo() < arriving - 1) {
                firstMissing = Math.min(firstMissing, handle.handledUpTo() + 1);
            }
        }
        boolean partial = arriving - firstMissing > maxGapFill;
        long lastToRead = partial ? firstMissing + maxGapFill - 1 : arriving - 1;
        return new DeliveryDecision(arriving, verdicts, firstMissing, lastToRead, partial);
    }

    private static Verdict judge(long arriving, Seen seen) {
        if (seen.ackOfArriving() == AckStatus.OK) {
            return new Skip();
        }
        if (seen.ackOfArriving() != null && seen.replayForIt()) {
            // a replay of this binding's failure: handled again now, after whatever gap the others fill
            return new Handle(Long.MAX_VALUE, false);
        }
        SequenceVerdict verdict = SequenceVerdict.of(seen.handledUpTo(), arriving);
        if (verdict instanceof SequenceVerdict.Duplicate) {
            // no ack of an event below what the binding handled: a lost ack (late), or a replay that forgot it
            return seen.ackOfArriving() != null ? new Skip() : new Handle(seen.handledUpTo(), !seen.replayForIt());
        }
        if (seen.parked()) {
            return new Wait();
        }
        return new Handle(seen.handledUpTo(), false);
    }

    /** Whether the arriving event is handled in this pass by at least one binding. */
    public boolean handlesArriving() {
        return !partial && verdicts.stream().anyMatch(Verdict::handlesArriving);
    }
}
