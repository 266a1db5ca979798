/**
 * The event log, the acks and the sweepers' checkpoints on PostgreSQL 15+, through Hibernate ORM and the PostgreSQL
 * JDBC driver. Its public face is {@link io.eventsource.adapter.postgresql.PostgreSqlModule} (all three ports; or
 * {@link io.eventsource.adapter.postgresql.PostgreSqlEventLogModule},
 * {@link io.eventsource.adapter.postgresql.PostgreSqlAckStoreModule} and
 * {@link io.eventsource.adapter.postgresql.PostgreSqlCheckpointStoreModule}, one each) and
 * {@link io.eventsource.adapter.postgresql.PostgreSqlSettings}; the tables ({@code es_event}, {@code es_ack},
 * {@code es_checkpoint}, {@code es_log_head}, under a configurable prefix) are created by the Flyway migrations it
 * runs at start, recorded in a history table of the prefix's own ({@code es_flyway_history}).
 */
package io.eventsource.adapter.postgresql;
