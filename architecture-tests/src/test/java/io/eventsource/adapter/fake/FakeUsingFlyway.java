package io.eventsource.adapter.fake;

import org.flywaydb.core.Flyway;

/** Breaks: Flyway, like JDBC, belongs to the SQL adapters. */
final class FakeUsingFlyway {
    Flyway flyway;
}
