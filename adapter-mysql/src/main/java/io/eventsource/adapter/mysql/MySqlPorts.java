package io.eventsource.adapter.mysql;

import io.eventsource.ports.AckStore;
import io.eventsource.ports.CheckpointStore;
import io.eventsource.ports.EventLog;

import java.util.Objects;

/**
 * The MySQL adapter's ports on one database, for a composition without Dagger (a Spring Boot application, a script):
 * the {@link EventLog}, the {@link AckStore} and the {@link CheckpointStore}, sharing one SessionFactory. Made by
 * {@link MySqlModule#ports(MySqlSettings)} (a connection pool of the adapter's own) or
 * {@link MySqlModule#ports(MySqlSettings, javax.sql.DataSource)} (the application's pool).
 *
 * <p>{@link #close()} closes the ports, after the runtime that uses them: the ack store writes the acks it has
 * queued, then the SessionFactory (and the adapter's own pool, if it made one) closes. A DataSource that was given
 * stays open: it is the application's.
 */
public final class MySqlPorts implements AutoCloseable {
    private final EventLog eventLog;
    private final AckStore ackStore;
    private final CheckpointStore checkpointStore;

    MySqlPorts(HibernateDatabase database, MySqlSettings settings) {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(settings, "settings");
        this.eventLog = new HibernateEventLog(database, settings);
        this.ackStore = new HibernateAckStore(database, settings);
        this.checkpointStore = new HibernateCheckpointStore(database, settings);
    }

    /** The event log. */
    public EventLog eventLog() {
        return eventLog;
    }

    /** The acks. */
    public AckStore ackStore() {
        return ackStore;
    }

    /** The sweepers' checkpoints, for {@code Eventsource.builder().checkpoints(...)}. */
    public CheckpointStore checkpointStore() {
        return checkpointStore;
    }

    /** Closes the ack store (writing what it has queued) and the event log, and so the database. Never throws. */
    @Override
    public void close() {
        try {
            ackStore.close();
        } finally {
            eventLog.close();
        }
    }
}
