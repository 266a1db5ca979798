package io.eventsource.adapter.mysql;

import org.hibernate.dialect.DatabaseVersion;
import org.hibernate.dialect.MariaDBDialect;

/**
 * Hibernate's MariaDB dialect at the version the server reports. Over mysql-connector-j, MariaDB names itself MySQL
 * with a version such as "5.5.5-10.11.19-MariaDB": Hibernate's own detection would take it for MySQL 5.5 (and log
 * that it is unsupported), so the adapter says what it is. It says it with a class of its own: given one of its own
 * dialects, Hibernate logs at every start that it "does not need to be specified explicitly" (HHH90000025), which is
 * wrong in this case.
 */
final class MariaDbOverConnectorJ extends MariaDBDialect {
    MariaDbOverConnectorJ(DatabaseVersion version) {
        super(version);
    }
}
