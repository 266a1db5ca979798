/**
 * Compositions of the runtime with adapters, and the demo ({@code io.eventsource.examples.Demo}). Each
 * composition is one Dagger component listing core's module and the adapters' modules.
 */
module io.eventsource.examples {
    requires io.eventsource.core;
    requires io.eventsource.adapter.inmemory;
    // the compositions are Dagger components
    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated on the generated components
    requires static java.compiler;

    exports io.eventsource.examples;
}
