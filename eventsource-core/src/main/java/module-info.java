/**
 * The runtime users call: the publisher (append, route, publish, announce), the listener (bindings,
 * heartbeats, announcements, one serial lane per aggregate, dedupe, gap fill, retries, acks, the sweeper that
 * re-drives what a binding has no ack for), the relay (publishes what a broker outage left unpublished) and the
 * aggregate repository (loads an aggregate by replaying its events, saves new ones through the publisher). It runs
 * the domain's rules against the ports; it imports no adapter.
 */
module io.eventsource.core {
    requires transitive io.eventsource.ports;
    requires org.slf4j;
    // EventsourceModule and RealTimeModule are Dagger modules; the runtime itself is plain constructors
    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated on its generated factories
    requires static java.compiler;

    exports io.eventsource.core;
}
