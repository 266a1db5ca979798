/** The runtime users call: publisher, listener, dispatcher, relay, sweeper. */
module io.eventsource.core {
    requires transitive io.eventsource.ports;
}
