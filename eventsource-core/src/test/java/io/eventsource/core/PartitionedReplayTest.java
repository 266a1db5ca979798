package io.eventsource.core;

import io.eventsource.domain.AggregateTopology;

/**
 * {@link ReplayTest}'s cases with Product partitioned: the copies go through the service's partition queues, which
 * its instances consume all along, and an admin engine follows the namespace's recorded topology.
 */
class PartitionedReplayTest extends ReplayTest {

    @Override
    AggregateTopology topology() {
        return AggregateTopology.partitioned(2);
    }
}
