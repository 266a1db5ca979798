/**
 * The runtime's meters on Micrometer: {@code MicrometerModule} binds the core's {@code EventsourceMetrics} on a
 * {@code MeterRegistry}, so that the core itself stays free of Micrometer (DESIGN.md 4: core depends on domain,
 * ports, SLF4J and Dagger only).
 */
module io.eventsource.micrometer {
    // the metrics interface this module implements, and the domain values (type, service, binding) it tags by
    requires transitive io.eventsource.core;
    // MicrometerModule.metrics(MeterRegistry) takes the user's registry; micrometer-core is an automatic module
    // named by its manifest's Automatic-Module-Name
    requires transitive micrometer.core;

    // MicrometerModule is a Dagger module
    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated on the factories it writes here
    requires static java.compiler;

    exports io.eventsource.micrometer;
}
