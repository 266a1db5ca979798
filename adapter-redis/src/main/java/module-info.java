/** ServiceRegistry on Redis through Jedis. */
module io.eventsource.adapter.redis {
    requires transitive io.eventsource.ports;
}
