/** EventLog, AckStore and CheckpointStore on PostgreSQL through Hibernate ORM, migrated by Flyway. */
module io.eventsource.adapter.postgresql {
    requires transitive io.eventsource.ports;

    // Hibernate ORM stays inside: the SessionFactory is made by a package-private class, so no component names it
    requires org.hibernate.orm.core;
    // the entities' mapping annotations and the exceptions Hibernate throws
    requires jakarta.persistence;
    // Hibernate's SessionFactory extends javax.naming.Referenceable: without it the type does not resolve
    requires java.naming;
    // JDBC: the ack store's multi-row upsert and the checkpoint store run below Hibernate, Flyway gets a DataSource of
    // DriverManager connections, and failures are classified by the SQLException's SQLState
    requires java.sql;
    // the metadata column holds a JSON object of strings, written and read by Jackson inside the adapter
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    // the migrations. Flyway's jars carry neither a module-info nor an Automatic-Module-Name, so this name is
    // derived from the file name (flyway-core-<version>.jar): stable as long as the artifact keeps its name. Its
    // PostgreSQL support (flyway-database-postgresql) is a runtime plugin that Flyway finds by service loading.
    requires flyway.core;

    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated on the factories it writes here
    requires static java.compiler;

    // the pool of connections for reads (the SessionFactory's pool is HikariCP's too, named by class in its settings)
    requires com.zaxxer.hikari;

    // Not required: the PostgreSQL driver (found by java.sql.Driver service loading) and hibernate-hikaricp (named by
    // class in the Hibernate settings).

    exports io.eventsource.adapter.postgresql;

    // Hibernate reads and writes the entities' fields reflectively; nobody else sees them
    opens io.eventsource.adapter.postgresql.entity to org.hibernate.orm.core;
    // Flyway finds the V<n>__*.sql files with ClassLoader.getResources, which sees a named module's resources only in
    // packages opened to everyone; the package holds those SQL files and nothing else
    opens io.eventsource.adapter.postgresql.migration;
}
