/**
 * The JPA entities of the event log and the acks. Not exported; opened to Hibernate only, which reads
 * and writes their fields reflectively.
 */
package io.eventsource.adapter.postgresql.entity;
