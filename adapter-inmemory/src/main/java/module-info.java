/** Every port in memory, with a virtual clock and scheduler. */
module io.eventsource.adapter.inmemory {
    requires transitive io.eventsource.ports;

    exports io.eventsource.adapter.inmemory;
}
