/**
 * The event log and the acks on MySQL 8 or MariaDB 10.11+, through Hibernate ORM and mysql-connector-j.
 * Its public face is {@link io.eventsource.adapter.mysql.MySqlModule} (both ports; or
 * {@link io.eventsource.adapter.mysql.MySqlEventLogModule} and {@link io.eventsource.adapter.mysql.MySqlAckStoreModule},
 * one each) and {@link io.eventsource.adapter.mysql.MySqlSettings}; the tables ({@code es_event}, {@code es_ack},
 * {@code es_checkpoint}, under a configurable prefix) are created by the Flyway migrations it runs at start, recorded
 * in a history table of the prefix's own ({@code es_flyway_history}).
 */
package io.eventsource.adapter.mysql;
