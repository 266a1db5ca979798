/** Compositions of the adapters, the demo and a custom adapter. */
module io.eventsource.examples {
    requires io.eventsource.core;
}
