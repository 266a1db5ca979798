/**
 * The test kit: {@code EventsourceKit}, a JUnit 5 extension that runs the whole runtime in memory on a virtual
 * clock for a user's tests (publisher, service instances, settle, acks, routes, crashes). Add it with test scope.
 */
module io.eventsource.testkit {
    // the kit hands out the runtime's types (Publisher, Listener, Eventsource) and the in-memory adapter's clock and
    // broker: users of the kit get both with it
    requires transitive io.eventsource.core;
    requires transitive io.eventsource.adapter.inmemory;
    // EventsourceKit is a JUnit extension: its callbacks are part of its type
    requires transitive org.junit.jupiter.api;
    // the kit composes the in-memory stack with a Dagger component of its own
    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated on the generated component
    requires static java.compiler;

    exports io.eventsource.testkit;
}
