package io.eventsource.adapter.fake;

import java.sql.Connection;

/** Breaks: JDBC (and Hibernate, JPA, the drivers) belong to the SQL adapters. */
final class FakeUsingJdbc {
    Connection connection;
}
