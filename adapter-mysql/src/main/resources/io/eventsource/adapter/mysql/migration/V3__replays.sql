-- The replays' progress: per replay id, the binding, what the request selects, and how far it has gone (every
-- selected event at or below last_position was sent). A replay that a crash interrupted goes on from here.
-- Added to a schema at version 2 as it is: the existing tables are not touched.
-- Re-runnable: a migration interrupted half-way is run again.

CREATE TABLE IF NOT EXISTS ${prefix}replay (
    replay_id          VARCHAR(40)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    service            VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    aggregate_type     VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    projection         VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- the request: NULL where it does not filter
    aggregate_id       VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin NULL,
    from_position      BIGINT        NOT NULL,
    to_position        BIGINT        NOT NULL,
    occurred_from_ns   BIGINT        NULL,
    occurred_before_ns BIGINT        NULL,
    failed_only        BOOLEAN       NOT NULL,
    events_per_second  INT           NOT NULL,
    is_reset           BOOLEAN       NOT NULL,
    -- the progress
    selected           BIGINT        NOT NULL,
    sent               BIGINT        NOT NULL,
    last_position      BIGINT        NOT NULL,
    up_to_position     BIGINT        NOT NULL,
    finished           BOOLEAN       NOT NULL,
    started_at_ns      BIGINT        NOT NULL,
    updated_at_ns      BIGINT        NOT NULL,
    PRIMARY KEY (replay_id),
    -- the replays of a service, oldest first
    KEY ix_replay_service (service, started_at_ns)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
