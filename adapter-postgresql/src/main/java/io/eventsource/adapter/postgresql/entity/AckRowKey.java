package io.eventsource.adapter.postgresql.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

import java.io.Serializable;
import java.util.Objects;

/** The primary key of an ack row: event, service, projection. */
@Embeddable
public class AckRowKey implements Serializable {
    private static final long serialVersionUID = 1L;

    @Column(name = "event_id", length = Columns.EVENT_ID, nullable = false)
    private String eventId;

    @Column(name = "service", length = Columns.SERVICE, nullable = false)
    private String service;

    @Column(name = "projection", length = Columns.PROJECTION, nullable = false)
    private String projection;

    protected AckRowKey() {
    }

    public String eventId() {
        return eventId;
    }

    public String service() {
        return service;
    }

    public String projection() {
        return projection;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AckRowKey that && eventId.equals(that.eventId) && service.equals(that.service)
                && projection.equals(that.projection);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, service, projection);
    }
}
