package io.eventsource.ports;

import io.eventsource.domain.AggregateRef;

/** Receives the aggregates announced on a type's announcement exchange: they have new events. */
@FunctionalInterface
public interface AnnouncementListener {

    /** The aggregate has new events. Exceptions are logged by the bus; the subscription goes on. */
    void onAnnouncement(AggregateRef aggregate);
}
