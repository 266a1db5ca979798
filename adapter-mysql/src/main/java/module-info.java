/** EventLog and AckStore on MySQL / MariaDB through Hibernate ORM. */
module io.eventsource.adapter.mysql {
    requires transitive io.eventsource.ports;

    // Hibernate ORM stays inside: the SessionFactory is made by a package-private class, so no component names it
    requires org.hibernate.orm.core;
    // the entities' mapping annotations and the exceptions Hibernate throws
    requires jakarta.persistence;
    // Hibernate's SessionFactory extends javax.naming.Referenceable: without it the type does not resolve
    requires java.naming;
    // JDBC: the migrations, the ack store's multi-row upsert and the checkpoint store run below Hibernate
    requires java.sql;
    // the metadata column holds a JSON object of strings, written and read by Jackson inside the adapter
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated on the factories it writes here
    requires static java.compiler;

    // Not required: mysql-connector-j (found by java.sql.Driver service loading; its module name is
    // file-derived) and hibernate-hikaricp / HikariCP (named by class in the Hibernate settings).

    exports io.eventsource.adapter.mysql;

    // Hibernate reads and writes the entities' fields reflectively; nobody else sees them
    opens io.eventsource.adapter.mysql.entity to org.hibernate.orm.core;
}
