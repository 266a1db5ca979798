package io.eventsource.adapter.postgresql.entity;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/**
 * One row of the acks ({@code es_ack}, renamed by the table prefix). Read through Hibernate; written
 * by the ack store's batched upsert, which Hibernate has no way to express.
 */
@Entity(name = "AckRow")
@Table(name = "es_ack")
public class AckRow {
    @EmbeddedId
    private AckRowKey key;

    @Column(name = "status", length = Columns.STATUS, nullable = false)
    private String status;

    @Column(name = "attempts", nullable = false)
    private int attempts;

    @Column(name = "last_error", length = Columns.LAST_ERROR, nullable = false)
    private String lastError;

    @Column(name = "aggregate_type", length = Columns.AGGREGATE_TYPE, nullable = false)
    private String aggregateType;

    @Column(name = "aggregate_id", length = Columns.AGGREGATE_ID, nullable = false)
    private String aggregateId;

    @Column(name = "aggregate_sequence", nullable = false)
    private long sequence;

    @Column(name = "acked_at_ns", nullable = false)
    private long ackedAt;

    protected AckRow() {
    }

    public AckRowKey key() {
        return key;
    }

    public String status() {
        return status;
    }

    public int attempts() {
        return attempts;
    }

    public String lastError() {
        return lastError;
    }

    public String aggregateType() {
        return aggregateType;
    }

    public String aggregateId() {
        return aggregateId;
    }

    public long sequence() {
        return sequence;
    }

    /** Nanoseconds since the epoch. */
    public long ackedAt() {
        return ackedAt;
    }
}
