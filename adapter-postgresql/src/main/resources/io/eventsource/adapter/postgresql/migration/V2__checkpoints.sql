-- The sweepers' checkpoints: per binding (service, aggregate type, projection), the log position at or below
-- which the binding has nothing left to do. A save keeps the highest position (GREATEST), so instances race
-- safely. The sweeper reads the log by (aggregate_type, global_position > checkpoint), on V1's event_type_ix.
-- Version 2, as in the MySQL adapter, so that the two schemas keep one numbering.

CREATE TABLE IF NOT EXISTS ${prefix}checkpoint (
    service            VARCHAR(64)   COLLATE "C" NOT NULL,
    aggregate_type     VARCHAR(64)   COLLATE "C" NOT NULL,
    projection         VARCHAR(64)   COLLATE "C" NOT NULL,
    log_position       BIGINT        NOT NULL,
    -- the service's checkpoints (loadAll) are a prefix of the key
    CONSTRAINT ${prefix}checkpoint_pk PRIMARY KEY (service, aggregate_type, projection)
);
