package io.eventsource.examples.readme;

import io.eventsource.core.EventsourceOptions;
import io.eventsource.domain.AggregateTopology;
import io.eventsource.domain.AggregateType;

import java.time.Duration;

/** The block of the README's "Topologies" (see {@link ReadmeSnippets} for the markers). */
final class TopologySnippets {

    private TopologySnippets() {
    }

    static EventsourceOptions partitionedOrders() {
        // README: Topologies: a queue per aggregate, or partitions
        EventsourceOptions options = EventsourceOptions.defaults()
                .withTopology(AggregateType.of("Order"), AggregateTopology.partitioned(16)
                        .withQueueExpiry(Duration.ofDays(2)));
        // README: end
        return options;
    }
}
