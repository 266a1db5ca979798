-- The replays' progress: per replay id, the binding, what the request selects, and how far it has gone (every
-- selected event at or below last_position was sent). A replay that a crash interrupted goes on from here.
-- Version 3, as in the MySQL adapter, so that the two schemas keep one numbering.

CREATE TABLE IF NOT EXISTS ${prefix}replay (
    replay_id          VARCHAR(40)   COLLATE "C" NOT NULL,
    service            VARCHAR(64)   COLLATE "C" NOT NULL,
    aggregate_type     VARCHAR(64)   COLLATE "C" NOT NULL,
    projection         VARCHAR(64)   COLLATE "C" NOT NULL,
    -- the request: NULL where it does not filter
    aggregate_id       VARCHAR(128)  COLLATE "C" NULL,
    from_position      BIGINT        NOT NULL,
    to_position        BIGINT        NOT NULL,
    occurred_from_ns   BIGINT        NULL,
    occurred_before_ns BIGINT        NULL,
    failed_only        BOOLEAN       NOT NULL,
    events_per_second  INTEGER       NOT NULL,
    is_reset           BOOLEAN       NOT NULL,
    -- the progress
    selected           BIGINT        NOT NULL,
    sent               BIGINT        NOT NULL,
    last_position      BIGINT        NOT NULL,
    up_to_position     BIGINT        NOT NULL,
    finished           BOOLEAN       NOT NULL,
    started_at_ns      BIGINT        NOT NULL,
    updated_at_ns      BIGINT        NOT NULL,
    CONSTRAINT ${prefix}replay_pk PRIMARY KEY (replay_id)
);

-- the replays of a service, oldest first
CREATE INDEX IF NOT EXISTS ${prefix}replay_service_ix ON ${prefix}replay (service, started_at_ns);
