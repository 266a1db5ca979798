package io.eventsource.adapter.postgresql.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One row of the event log ({@code es_event}, renamed by the table prefix). Times are nanoseconds since
 * the epoch: the adapter converts to and from {@link java.time.Instant}. The position is assigned by the adapter
 * from the log head it holds locked (no sequence, no identity column), so positions commit in order.
 */
@Entity(name = "EventRow")
@Table(name = "es_event")
public class EventRow {
    @Id
    @Column(name = "global_position", nullable = false)
    private long position;

    @Column(name = "event_id", length = Columns.EVENT_ID, nullable = false, unique = true)
    private String eventId;

    @Column(name = "aggregate_type", length = Columns.AGGREGATE_TYPE, nullable = false)
    private String aggregateType;

    @Column(name = "aggregate_id", length = Columns.AGGREGATE_ID, nullable = false)
    private String aggregateId;

    @Column(name = "aggregate_sequence", nullable = false)
    private long sequence;

    @Column(name = "name", length = Columns.EVENT_NAME, nullable = false)
    private String name;

    @Column(name = "payload", length = Columns.PAYLOAD, nullable = false)
    private byte[] payload;

    @Column(name = "content_type", length = Columns.CONTENT_TYPE, nullable = false)
    private String contentType;

    @Column(name = "metadata", length = Columns.METADATA, nullable = false)
    private String metadata;

    @Column(name = "occurred_at_ns", nullable = false)
    private long occurredAt;

    @Column(name = "published_at_ns")
    private Long publishedAt;

    protected EventRow() {
    }

    public EventRow(long position, String eventId, String aggregateType, String aggregateId, long sequence, String name,
                    byte[] payload, String contentType, String metadata, long occurredAt) {
        this.position = position;
        this.eventId = eventId;
        this.aggregateType = aggregateType;
        this.aggregateId = aggregateId;
        this.sequence = sequence;
        this.name = name;
        this.payload = payload;
        this.contentType = contentType;
        this.metadata = metadata;
        this.occurredAt = occurredAt;
    }

    public long position() {
        return position;
    }

    public String eventId() {
        return eventId;
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

    public String name() {
        return name;
    }

    public byte[] payload() {
        return payload;
    }

    public String contentType() {
        return contentType;
    }

    public String metadata() {
        return metadata;
    }

    /** Nanoseconds since the epoch. */
    public long occurredAt() {
        return occurredAt;
    }

    /** Nanoseconds since the epoch, or null while unpublished. */
    public Long publishedAt() {
        return publishedAt;
    }
}
