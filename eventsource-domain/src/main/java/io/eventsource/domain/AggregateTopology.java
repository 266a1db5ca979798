package io.eventsource.domain;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the events of one aggregate type travel from producers to a service's instances; chosen per type, and the same
 * in every process of a namespace.
 *
 * <ul>
 *   <li>{@link #perAggregate()}, the seed's and the default: an exchange and, per live service, a queue for every
 *       active aggregate, made when the aggregate has news and gone once it is quiet for the queue expiry. Costs a
 *       broker queue creation per service whenever a quiet aggregate has news, which bounds a type whose aggregates
 *       are mostly new (about 80-170 per second on a small broker).</li>
 *   <li>{@link #partitioned(int)}: a fixed set of {@code n} queues per service (one exchange for the type), each
 *       with a single active consumer, and every aggregate hashed onto one of them with {@link Partitioned#partitionOf}. Nothing
 *       is made per aggregate, so new aggregates cost nothing; the partitions of a service spread over its live
 *       instances. Choose it for high-churn types (orders, sessions, devices).</li>
 * </ul>
 *
 * <p>Every process of a namespace must agree on a type's topology: the choice is recorded in the registry by the
 * first process that uses the type, and a process that disagrees refuses the type with a
 * {@link TopologyMismatchException} naming both choices.
 */
public sealed interface AggregateTopology permits AggregateTopology.PerAggregate, AggregateTopology.Partitioned {

    /** The most partitions a type may have: far beyond what one service's instances consume usefully. */
    int MAX_PARTITIONS = 1024;
    /** How long a partition queue lives once no instance of its service consumes it, unless chosen otherwise. */
    Duration DEFAULT_PARTITION_EXPIRY = Duration.ofDays(1);

    /** The seed's topology: a queue per active aggregate and live service. The default of every type. */
    static AggregateTopology perAggregate() {
        return PerAggregate.INSTANCE;
    }

    /**
     * {@code partitions} queues per service, each aggregate hashed onto one ({@link Partitioned#partitionOf}); a queue that no
     * instance of its service consumes expires after {@link #DEFAULT_PARTITION_EXPIRY}.
     *
     * @throws InvalidValueException if {@code partitions} is not 1-{@value #MAX_PARTITIONS}
     */
    static Partitioned partitioned(int partitions) {
        return new Partitioned(partitions, DEFAULT_PARTITION_EXPIRY);
    }

    /**
     * Reads what {@link #describe()} wrote: {@code per-aggregate}, or {@code partitioned(16, expiry PT24H)}.
     *
     * @throws InvalidValueException if {@code text} is neither
     */
    static AggregateTopology parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.equals(PerAggregate.TEXT)) {
            return perAggregate();
        }
        Matcher matcher = Partitioned.TEXT.matcher(text);
        if (matcher.matches()) {
            try {
                return new Partitioned(Integer.parseInt(matcher.group(1)), Duration.parse(matcher.group(2)));
            } catch (RuntimeException e) {
                if (e instanceof InvalidValueException invalid) {
                    throw invalid;
                }
            }
        }
        throw new InvalidValueException("AggregateTopology must read \"" + PerAggregate.TEXT
                + "\" or \"partitioned(<n>, expiry <ISO-8601 duration>)\", got \"" + Names.abbreviate(text) + "\"");
    }

    /** The choice as text, the same in every JVM: what the registry records, and what a refusal names. */
    String describe();

    /** Whether aggregates share a fixed set of partition queues. */
    boolean isPartitioned();

    /** The seed's topology: see {@link AggregateTopology#perAggregate()}. */
    final class PerAggregate implements AggregateTopology {
        static final String TEXT = "per-aggregate";
        static final PerAggregate INSTANCE = new PerAggregate();

        private PerAggregate() {
        }

        @Override
        public String describe() {
            return TEXT;
        }

        @Override
        public boolean isPartitioned() {
            return false;
        }

        @Override
        public String toString() {
            return TEXT;
        }
    }

    /**
     * A fixed set of partition queues per service: see {@link AggregateTopology#partitioned(int)}.
     *
     * @param partitions  how many queues per service, 1-{@value #MAX_PARTITIONS}
     * @param queueExpiry how long a partition queue lives once no instance of its service consumes it (a service
     *                    that stopped listening): at least a minute, at most 365 days. Whatever the queue held is
     *                    gone with it; the sweeper brings the events from the log.
     */
    record Partitioned(int partitions, Duration queueExpiry) implements AggregateTopology {
        static final Pattern TEXT = Pattern.compile("partitioned\\((\\d{1,4}), expiry (P[0-9A-Z.]+)\\)");
        private static final Duration MIN_EXPIRY = Duration.ofMinutes(1);
        private static final Duration MAX_EXPIRY = Duration.ofDays(365);
        private static final int FNV_OFFSET_BASIS = 0x811c9dc5;
        private static final int FNV_PRIME = 0x01000193;

        /**
         * @throws InvalidValueException if {@code partitions} is not 1-{@value #MAX_PARTITIONS}, or the expiry is
         *         under a minute or over 365 days
         */
        public Partitioned {
            if (partitions < 1 || partitions > MAX_PARTITIONS) {
                throw new InvalidValueException("AggregateTopology.partitioned takes 1-" + MAX_PARTITIONS
                        + " partitions, got " + partitions);
            }
            Objects.requireNonNull(queueExpiry, "queueExpiry");
            if (queueExpiry.compareTo(MIN_EXPIRY) < 0 || queueExpiry.compareTo(MAX_EXPIRY) > 0) {
                throw new InvalidValueException("AggregateTopology.partitioned queue expiry must be 1 minute to 365"
                        + " days (how long a service may stop listening before its partition queues go), got "
                        + queueExpiry);
            }
        }

        /**
         * This topology with another expiry of partition queues that no instance consumes.
         *
         * @throws InvalidValueException as the constructor
         */
        public Partitioned withQueueExpiry(Duration value) {
            return new Partitioned(partitions, value);
        }

        /**
         * The partition of an aggregate: the 32-bit FNV-1a hash of its id's UTF-8 bytes, as an unsigned number,
         * modulo the partition count. The same in every JVM and easy to compute in any language, so that every
         * producer of a namespace puts an aggregate on the same partition. For example {@code 42} hashes to
         * {@code 0x87e38583}, partition 3 of 16.
         */
        public int partitionOf(AggregateId id) {
            Objects.requireNonNull(id, "id");
            int hash = FNV_OFFSET_BASIS;
            for (byte b : id.value().getBytes(StandardCharsets.UTF_8)) {
                hash ^= b & 0xff;
                hash *= FNV_PRIME;
            }
            return Integer.remainderUnsigned(hash, partitions);
        }

        @Override
        public String describe() {
            return "partitioned(" + partitions + ", expiry " + queueExpiry + ")";
        }

        @Override
        public boolean isPartitioned() {
            return true;
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
