/**
 * Traces from the producer to the handlers on OpenTelemetry: {@code OpenTelemetryModule} binds the core's
 * {@code EventTracing} on an {@code OpenTelemetry}, so that the core itself stays free of OpenTelemetry (DESIGN.md 4:
 * core depends on domain, ports, SLF4J and Dagger only).
 */
module io.eventsource.opentelemetry {
    // the tracing interface this module implements, and the event and binding it reads
    requires transitive io.eventsource.core;
    // OpenTelemetryModule.tracing(OpenTelemetry) takes the application's OpenTelemetry; opentelemetry-api and
    // opentelemetry-context are automatic modules named by their manifests' Automatic-Module-Name
    requires transitive io.opentelemetry.api;
    requires io.opentelemetry.context;

    // OpenTelemetryModule is a Dagger module
    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated on the factories it writes here
    requires static java.compiler;

    exports io.eventsource.opentelemetry;
}
