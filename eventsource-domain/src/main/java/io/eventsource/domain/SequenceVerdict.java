package io.eventsource.domain;

/**
 * What an arriving event is, given the last sequence a binding handled of its aggregate: the next one
 * (handle it), a gap (read the missing events from the log first), or a duplicate (the broker redelivered
 * something already handled).
 */
public sealed interface SequenceVerdict {

    /**
     * Judges an arriving sequence.
     *
     * @param lastHandled the last sequence handled, 0 if none
     * @param arriving the sequence of the event that arrived, 1 or more
     */
    static SequenceVerdict of(long lastHandled, long arriving) {
        if (lastHandled < 0 || arriving < 1) {
            throw new InvalidValueException("sequences start at 1 (0 meaning none handled), got lastHandled="
                    + lastHandled + ", arriving=" + arriving);
        }
        if (arriving == lastHandled + 1) {
            return new Next();
        }
        if (arriving <= lastHandled) {
            return new Duplicate();
        }
        return new Gap(lastHandled + 1, arriving - 1);
    }

    /** The arriving event is the next one: handle it. */
    record Next() implements SequenceVerdict {
    }

    /** Events {@code firstMissing..lastMissing} (inclusive) have not been handled: read them from the log first. */
    record Gap(long firstMissing, long lastMissing) implements SequenceVerdict {
        /** How many events are missing, 1 or more. */
        public long size() {
            return lastMissing - firstMissing + 1;
        }
    }

    /** The arriving event was handled before. */
    record Duplicate() implements SequenceVerdict {
    }
}
