package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.ports.DeliveryListener;

/**
 * One consumer of one partition queue ({@link QueueSubscription}): the events of every aggregate of its type hashed
 * onto the partition, settled one by one in any order across aggregates. Never cancelled for idleness: a partition is
 * consumed for as long as its instance is assigned it, and a quiet partition costs nothing.
 */
final class PartitionSubscription extends QueueSubscription {
    private final AggregateType type;

    PartitionSubscription(AggregateType type, String queue, ConsumerChannel channel, SerialExecutor serial,
                          DeliveryListener listener, Owner owner) {
        super(queue, channel, serial, listener, owner);
        this.type = type;
    }

    @Override
    void check(Event event) throws MalformedMessageException {
        if (!event.aggregate().type().equals(type)) {
            throw new MalformedMessageException("event of " + event.aggregate() + " on a partition queue of " + type);
        }
    }

    @Override
    public String toString() {
        return "PartitionSubscription[" + queue() + (isOpen() ? "" : ", ended") + "]";
    }
}
