-- The sweepers' checkpoints: per binding (service, aggregate type, projection), the log position at or below
-- which the binding has nothing left to do. A save keeps the highest position (GREATEST), so instances race
-- safely. Added to a schema at version 1 as it is: the existing tables are not touched.
-- The sweeper reads the log by (aggregate_type, global_position > checkpoint), on V1's ix_event_type_position.
-- Re-runnable: a migration interrupted half-way is run again.

CREATE TABLE IF NOT EXISTS ${prefix}checkpoint (
    service            VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    aggregate_type     VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    projection         VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    log_position       BIGINT        NOT NULL,
    -- the service's checkpoints (loadAll) are a prefix of the key
    PRIMARY KEY (service, aggregate_type, projection)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
