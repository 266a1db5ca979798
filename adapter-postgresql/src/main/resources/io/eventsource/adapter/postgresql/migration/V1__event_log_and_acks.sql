-- The event log, its head and the acks. ${prefix} is the configured table prefix (es_ by default); every
-- constraint and index is named under it too, since PostgreSQL keeps those names per schema, not per table.
-- Identifiers are ASCII (the domain allows nothing else) with the "C" collation: ids that differ only in case
-- are different ids, compared byte by byte whatever the database's locale.
-- Times are nanoseconds since 1970-01-01T00:00Z in a BIGINT, as in the MySQL adapter (read one with
-- to_timestamp(occurred_at_ns / 1e9)): exact, and free of session time zones.

CREATE TABLE IF NOT EXISTS ${prefix}event (
    global_position    BIGINT        NOT NULL,
    event_id           VARCHAR(64)   COLLATE "C" NOT NULL,
    aggregate_type     VARCHAR(64)   COLLATE "C" NOT NULL,
    aggregate_id       VARCHAR(128)  COLLATE "C" NOT NULL,
    aggregate_sequence BIGINT        NOT NULL,
    name               VARCHAR(128)  COLLATE "C" NOT NULL,
    payload            BYTEA         NOT NULL,
    content_type       VARCHAR(100)  COLLATE "C" NOT NULL,
    -- a JSON object of strings, as text: the text the adapter wrote is the text it reads
    metadata           TEXT          COLLATE "C" NOT NULL,
    occurred_at_ns     BIGINT        NOT NULL,
    published_at_ns    BIGINT        NULL,
    CONSTRAINT ${prefix}event_pk PRIMARY KEY (global_position),
    CONSTRAINT ${prefix}event_id_key UNIQUE (event_id),
    -- one event per sequence of an aggregate: the optimistic-concurrency guard, and the range reads
    CONSTRAINT ${prefix}event_sequence_key UNIQUE (aggregate_type, aggregate_id, aggregate_sequence)
);

-- the whole log by aggregate type from a position
CREATE INDEX IF NOT EXISTS ${prefix}event_type_ix ON ${prefix}event (aggregate_type, global_position);
-- the outbox: unpublished events in position order; a partial index, so it holds only the backlog
CREATE INDEX IF NOT EXISTS ${prefix}event_unpublished_ix ON ${prefix}event (global_position)
    WHERE published_at_ns IS NULL;

-- The last position given to an event. Every append locks this one row, takes the next positions from it and
-- keeps the lock until it commits: appends commit one after the other, in position order, so a reader never sees
-- position n+1 before n (a sequence would hand out numbers that commit in any order), and a rolled-back append
-- gives its positions back (no holes).
CREATE TABLE IF NOT EXISTS ${prefix}log_head (
    id                 SMALLINT      NOT NULL,
    last_position      BIGINT        NOT NULL,
    CONSTRAINT ${prefix}log_head_pk PRIMARY KEY (id),
    CONSTRAINT ${prefix}log_head_one_row CHECK (id = 1)
);
INSERT INTO ${prefix}log_head (id, last_position) VALUES (1, 0) ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS ${prefix}ack (
    event_id           VARCHAR(64)   COLLATE "C" NOT NULL,
    service            VARCHAR(64)   COLLATE "C" NOT NULL,
    projection         VARCHAR(64)   COLLATE "C" NOT NULL,
    status             VARCHAR(4)    COLLATE "C" NOT NULL,
    attempts           INT           NOT NULL,
    last_error         VARCHAR(1000) COLLATE "C" NOT NULL,
    aggregate_type     VARCHAR(64)   COLLATE "C" NOT NULL,
    aggregate_id       VARCHAR(128)  COLLATE "C" NOT NULL,
    aggregate_sequence BIGINT        NOT NULL,
    acked_at_ns        BIGINT        NOT NULL,
    CONSTRAINT ${prefix}ack_pk PRIMARY KEY (event_id, service, projection)
);

-- the last handled sequence per (binding, aggregate)
CREATE INDEX IF NOT EXISTS ${prefix}ack_aggregate_ix
    ON ${prefix}ack (service, projection, aggregate_type, aggregate_id, aggregate_sequence);
-- the failures of a binding, oldest first
CREATE INDEX IF NOT EXISTS ${prefix}ack_status_ix ON ${prefix}ack (service, projection, status, acked_at_ns);
