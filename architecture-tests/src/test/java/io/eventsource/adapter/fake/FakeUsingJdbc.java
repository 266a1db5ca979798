package io.eventsource.adapter.fake;

import java.sql.Connection;

/** Breaks: JDBC (and Hibernate, JPA, the driver) belong to the MySQL adapter. */
final class FakeUsingJdbc {
    Connection connection;
}
