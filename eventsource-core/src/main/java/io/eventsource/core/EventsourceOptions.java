package io.eventsource.core;

import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.PayloadLimit;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The runtime's tunables beyond the {@link io.eventsource.domain.ExpiryPolicy}.
 *
 * @param failurePolicy what a listener does when a handler throws
 * @param liveServicesCacheTtl how long the publisher trusts the registry's answer about a type's live services
 * @param relayGracePeriod an event still unpublished this long after it occurred is published by the relay
 *                         (shorter would race the publisher that is still publishing it)
 * @param relayInterval how often the relay looks for unpublished events
 * @param relayBatchSize how many unpublished events the relay reads at a time, 1-10000
 * @param storeRetryDelay after an ack store or event log failure, how long a listener holds the message before
 *                        returning it to its queue (so that an outage does not spin)
 * @param closeTimeout how long {@link Listener#close()} and {@link Eventsource#close()} wait for work in progress
 * @param maxGapFill how many missing events a listener reads from the log and handles for one delivery, 1 or
 *                   more; a longer gap (a binding new to an aggregate with a long history) is filled over several
 *                   passes, the message going back to its queue between them
 * @param sweep how listeners find and re-drive events that a binding has no ack for
 * @param publishDeadline how long {@link Publisher#publish} retries transient failures of the log, the registry and
 *                        the broker (with backoff and jitter) before it throws (nothing appended) or returns
 *                        {@link Publication.Pending} (appended, left to the relay); zero tries once
 * @param maxConsumers how many aggregate queues one listener consumes at once, 1 or more; further announced
 *                     aggregates wait their turn (never refused), so that announcements cannot exhaust the broker's
 *                     channels
 * @param publishBatchSize how many publish calls at most go into one batch, 1-10000: calls made while a batch is in
 *                         flight form the next (one append transaction, one wait for confirms, one mark)
 * @param publishLinger how long a batch waits for more calls before it starts; zero (the default) starts it at once,
 *                      so that batches form only from calls that arrive while another is in flight
 * @param payloadLimit the largest event payload {@link Publisher#publish} accepts: a larger one is refused with a
 *                     {@link io.eventsource.domain.PayloadTooLargeException} before anything is appended. Set the
 *                     adapters' limits alike ({@code EVENTSOURCE_MAX_PAYLOAD_BYTES} for those read from the environment)
 * @param topologies the aggregate types that do not use the seed's {@link AggregateTopology#perAggregate()} topology,
 *                   with theirs; give every process of a namespace the same (see {@link #withTopology})
 */
public record EventsourceOptions(FailurePolicy failurePolicy, Duration liveServicesCacheTtl, Duration relayGracePeriod,
                                 Duration relayInterval, int relayBatchSize, Duration storeRetryDelay,
                                 Duration closeTimeout, int maxGapFill, SweepPolicy sweep,
                                 Duration publishDeadline, int maxConsumers, int publishBatchSize,
                                 Duration publishLinger, PayloadLimit payloadLimit,
                                 Map<AggregateType, AggregateTopology> topologies) {

    /**
     * Checks the options.
     *
     * @throws NullPointerException if a policy, a duration or the payload limit is null
     * @throws IllegalArgumentException if a duration is negative, {@code relayInterval} or {@code closeTimeout} is
     *         zero, {@code maxGapFill} is below 1 or {@code relayBatchSize} is outside 1-10000
     */
    public EventsourceOptions {
        Objects.requireNonNull(failurePolicy, "failurePolicy");
        Objects.requireNonNull(sweep, "sweep");
        Objects.requireNonNull(payloadLimit, "payloadLimit");
        topologies = Map.copyOf(topologies);
        notNegative("liveServicesCacheTtl", liveServicesCacheTtl);
        notNegative("relayGracePeriod", relayGracePeriod);
        positive("relayInterval", relayInterval);
        notNegative("storeRetryDelay", storeRetryDelay);
        positive("closeTimeout", closeTimeout);
        if (maxGapFill < 1) {
            throw new IllegalArgumentException("EventsourceOptions maxGapFill must be 1 or more, got " + maxGapFill);
        }
        notNegative("publishDeadline", publishDeadline);
        notNegative("publishLinger", publishLinger);
        if (publishBatchSize < 1 || publishBatchSize > 10_000) {
            throw new IllegalArgumentException("EventsourceOptions publishBatchSize must be 1-10000, got "
                    + publishBatchSize);
        }
        if (maxConsumers < 1) {
            throw new IllegalArgumentException("EventsourceOptions maxConsumers must be 1 or more, got " + maxConsumers);
        }
        if (relayBatchSize < 1 || relayBatchSize > 10_000) {
            throw new IllegalArgumentException("EventsourceOptions relayBatchSize must be 1-10000, got " + relayBatchSize);
        }
    }

    /**
     * The defaults: the seed's failure policy, live services cached 1 s, relay after 3 s every 2 s in batches
     * of 500, 1 s before returning a message after a store failure, 30 s to close, gaps filled 1000 events a pass,
     * {@link SweepPolicy#defaults() the sweeper's defaults}, publish retrying for 10 s, 1000 aggregate consumers per
     * listener, publish batches of up to 500 calls with no linger, payloads of up to 1 MiB ({@link PayloadLimit#DEFAULT}),
     * every type per aggregate.
     */
    public static EventsourceOptions defaults() {
        return new EventsourceOptions(FailurePolicy.seed(), Duration.ofSeconds(1), Duration.ofSeconds(3),
                Duration.ofSeconds(2), 500, Duration.ofSeconds(1), Duration.ofSeconds(30), 1000, SweepPolicy.defaults(),
                Duration.ofSeconds(10), 1000, 500, Duration.ZERO, PayloadLimit.DEFAULT, Map.of());
    }

    /** These options with another failure policy. */
    public EventsourceOptions withFailurePolicy(FailurePolicy value) {
        return new EventsourceOptions(value, liveServicesCacheTtl, relayGracePeriod, relayInterval, relayBatchSize,
                storeRetryDelay, closeTimeout, maxGapFill, sweep,
                publishDeadline, maxConsumers, publishBatchSize, publishLinger, payloadLimit, topologies);
    }

    /** These options with another cache time of the registry's live services. */
    public EventsourceOptions withLiveServicesCacheTtl(Duration value) {
        return new EventsourceOptions(failurePolicy, value, relayGracePeriod, relayInterval, relayBatchSize,
                storeRetryDelay, closeTimeout, maxGapFill, sweep,
                publishDeadline, maxConsumers, publishBatchSize, publishLinger, payloadLimit, topologies);
    }

    /** These options with another relay grace period and interval. */
    public EventsourceOptions withRelay(Duration gracePeriod, Duration interval) {
        return new EventsourceOptions(failurePolicy, liveServicesCacheTtl, gracePeriod, interval, relayBatchSize,
                storeRetryDelay, closeTimeout, maxGapFill, sweep,
                publishDeadline, maxConsumers, publishBatchSize, publishLinger, payloadLimit, topologies);
    }

    /** These options with another delay before a message is returned to its queue after a store failure. */
    public EventsourceOptions withStoreRetryDelay(Duration value) {
        return new EventsourceOptions(failurePolicy, liveServicesCacheTtl, relayGracePeriod, relayInterval,
                relayBatchSize, value, closeTimeout, maxGapFill, sweep,
                publishDeadline, maxConsumers, publishBatchSize, publishLinger, payloadLimit, topologies);
    }

    /** These options with another close timeout. */
    public EventsourceOptions withCloseTimeout(Duration value) {
        return new EventsourceOptions(failurePolicy, liveServicesCacheTtl, relayGracePeriod, relayInterval,
                relayBatchSize, storeRetryDelay, value, maxGapFill, sweep,
                publishDeadline, maxConsumers, publishBatchSize, publishLinger, payloadLimit, topologies);
    }

    /** These options with another bound of the events filled from the log per delivery. */
    public EventsourceOptions withMaxGapFill(int value) {
        return new EventsourceOptions(failurePolicy, liveServicesCacheTtl, relayGracePeriod, relayInterval,
                relayBatchSize, storeRetryDelay, closeTimeout, value, sweep,
                publishDeadline, maxConsumers, publishBatchSize, publishLinger, payloadLimit, topologies);
    }

    /** These options with another sweep policy ({@link SweepPolicy#disabled()} to switch the sweeper off). */
    public EventsourceOptions withSweep(SweepPolicy value) {
        return new EventsourceOptions(failurePolicy, liveServicesCacheTtl, relayGracePeriod, relayInterval,
                relayBatchSize, storeRetryDelay, closeTimeout, maxGapFill, value,
                publishDeadline, maxConsumers, publishBatchSize, publishLinger, payloadLimit, topologies);
    }

    /** These options with another deadline for publish's retries of transient failures. */
    public EventsourceOptions withPublishDeadline(Duration value) {
        return new EventsourceOptions(failurePolicy, liveServicesCacheTtl, relayGracePeriod, relayInterval,
                relayBatchSize, storeRetryDelay, closeTimeout, maxGapFill, sweep,
                value, maxConsumers, publishBatchSize, publishLinger, payloadLimit, topologies);
    }

    /** These options with another bound of the aggregate queues one listener consumes at once. */
    public EventsourceOptions withMaxConsumers(int value) {
        return new EventsourceOptions(failurePolicy, liveServicesCacheTtl, relayGracePeriod, relayInterval,
                relayBatchSize, storeRetryDelay, closeTimeout, maxGapFill, sweep,
                publishDeadline, value, publishBatchSize, publishLinger, payloadLimit, topologies);
    }

    /** These options with another bound and linger of the publisher's batches. */
    public EventsourceOptions withPublishBatching(int batchSize, Duration linger) {
        return new EventsourceOptions(failurePolicy, liveServicesCacheTtl, relayGracePeriod, relayInterval,
                relayBatchSize, storeRetryDelay, closeTimeout, maxGapFill, sweep, publishDeadline, maxConsumers,
                batchSize, linger, payloadLimit, topologies);
    }

    /** These options with another payload limit. */
    public EventsourceOptions withPayloadLimit(PayloadLimit value) {
        return new EventsourceOptions(failurePolicy, liveServicesCacheTtl, relayGracePeriod, relayInterval,
                relayBatchSize, storeRetryDelay, closeTimeout, maxGapFill, sweep, publishDeadline, maxConsumers,
                publishBatchSize, publishLinger, value, topologies);
    }

    /**
     * These options with {@code topology} for the aggregate type: its routes, publishes and consumers follow it in
     * this runtime. Give every process of the namespace the same choice for the type: the first to use the type
     * records it in the registry, and a runtime that disagrees refuses the type (its listener's {@code start()} and
     * its publishes of the type throw a {@link io.eventsource.domain.TopologyMismatchException} naming both).
     */
    public EventsourceOptions withTopology(AggregateType type, AggregateTopology topology) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(topology, "topology");
        Map<AggregateType, AggregateTopology> all = new HashMap<>(topologies);
        if (topology.isPartitioned()) {
            all.put(type, topology);
        } else {
            all.remove(type);
        }
        return new EventsourceOptions(failurePolicy, liveServicesCacheTtl, relayGracePeriod, relayInterval,
                relayBatchSize, storeRetryDelay, closeTimeout, maxGapFill, sweep, publishDeadline, maxConsumers,
                publishBatchSize, publishLinger, payloadLimit, all);
    }

    /** The type's topology in this runtime: as given to {@link #withTopology}, else the seed's per-aggregate one. */
    public AggregateTopology topologyOf(AggregateType type) {
        return topologies.getOrDefault(type, AggregateTopology.perAggregate());
    }

    private static void notNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException("EventsourceOptions " + name + " must be zero or positive, got " + value);
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("EventsourceOptions " + name + " must be positive, got " + value);
        }
    }
}
