-- The event log and the acks. ${prefix} is the configured table prefix (es_ by default).
-- Identifiers are ASCII (the domain allows nothing else) with binary collation: ids that differ only
-- in case are different ids, and index keys stay one byte per character.
-- Portable to MySQL 8 and MariaDB 10.11+. Re-runnable: a migration interrupted half-way is run again.

CREATE TABLE IF NOT EXISTS ${prefix}event (
    global_position    BIGINT        NOT NULL AUTO_INCREMENT,
    event_id           VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    aggregate_type     VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    aggregate_id       VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    aggregate_sequence BIGINT        NOT NULL,
    name               VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    payload            MEDIUMBLOB    NOT NULL,
    content_type       VARCHAR(100)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- a JSON object of strings; TEXT rather than JSON, whose storage differs between MySQL and MariaDB
    metadata           TEXT          CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    -- times are nanoseconds since 1970-01-01T00:00Z (read one with FROM_UNIXTIME(occurred_at_ns / 1e9)):
    -- exact, free of session time zones, and unlike DATETIME(6) not truncated to whole seconds by
    -- mysql-connector-j, which takes MariaDB 10's "5.5.5-10.x" version for a server without fractions
    occurred_at_ns     BIGINT        NOT NULL,
    published_at_ns    BIGINT        NULL,
    PRIMARY KEY (global_position),
    UNIQUE KEY uk_event_id (event_id),
    -- one event per sequence of an aggregate: the optimistic-concurrency guard, and the range reads
    UNIQUE KEY uk_event_aggregate_sequence (aggregate_type, aggregate_id, aggregate_sequence),
    -- the whole log by aggregate type from a position
    KEY ix_event_type_position (aggregate_type, global_position),
    -- the outbox: unpublished (NULL) events in position order
    KEY ix_event_unpublished (published_at_ns, global_position)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}ack (
    event_id           VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    service            VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    projection         VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status             VARCHAR(4)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    attempts           INT           NOT NULL,
    last_error         VARCHAR(1000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    aggregate_type     VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    aggregate_id       VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    aggregate_sequence BIGINT        NOT NULL,
    acked_at_ns        BIGINT        NOT NULL,
    PRIMARY KEY (event_id, service, projection),
    -- the last handled sequence per (binding, aggregate)
    KEY ix_ack_binding_aggregate (service, projection, aggregate_type, aggregate_id, aggregate_sequence),
    -- the failures of a binding, oldest first
    KEY ix_ack_binding_status (service, projection, status, acked_at_ns)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
