/** EventLog and AckStore on MySQL / MariaDB through Hibernate ORM. */
module io.eventsource.adapter.mysql {
    requires transitive io.eventsource.ports;
}
