package io.eventsource.adapter.mysql;

import org.hibernate.SessionFactory;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which dialect Hibernate runs with on the real server, and that choosing it prints no misleading warning. */
class HibernateDialectIT {
    @Test
    void runsMariaDbsDialectAtTheServersVersionWithoutWarningThatItNeedNotBeNamed() throws SQLException {
        TestDatabase database = TestDatabase.create();
        try (CapturedOutput output = CapturedOutput.start("org.hibernate")) {
            String serverVersion;
            try (Connection connection = DriverManager.getConnection(database.settings().jdbcUrl(),
                    HibernateBootstrap.driverProperties(database.settings()))) {
                serverVersion = connection.getMetaData().getDatabaseProductVersion();
            }
            SessionFactory sessionFactory = HibernateBootstrap.open(database.settings());
            try {
                Dialect dialect = sessionFactory.unwrap(SessionFactoryImplementor.class).getJdbcServices()
                        .getDialect();
                Optional<?> mariaDb = HibernateBootstrap.mariaDbVersion(serverVersion);
                if (mariaDb.isPresent()) {
                    assertThat(dialect).as(serverVersion).isInstanceOf(MariaDBDialect.class);
                    assertThat(dialect.getVersion()).isEqualTo(mariaDb.get());
                } else {
                    assertThat(dialect).as(serverVersion).isNotInstanceOf(MariaDBDialect.class);
                }
            } finally {
                sessionFactory.close();
            }
            assertThat(output.text()).as("what Hibernate printed while it started")
                    .doesNotContain("HHH90000025").doesNotContain("does not need to be specified");
        } finally {
            database.close();
        }
    }
}
