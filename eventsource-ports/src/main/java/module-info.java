/**
 * The driven ports of eventsource: what the core needs from a message broker ({@code MessageBus}), a
 * registry of live services ({@code ServiceRegistry}), a store of acks ({@code AckStore}), an event log
 * ({@code EventLog}), a store of aggregate snapshots ({@code SnapshotStore}), time ({@code Scheduler}) and, for the
 * typed API, a serializer of events ({@code EventSerializer}).
 * Adapters implement them; the core uses them.
 */
module io.eventsource.ports {
    // every port speaks in domain values, so users of the ports get the domain with them
    requires transitive io.eventsource.domain;

    exports io.eventsource.ports;
}
