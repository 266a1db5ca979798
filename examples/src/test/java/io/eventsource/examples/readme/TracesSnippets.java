package io.eventsource.examples.readme;

import io.eventsource.core.Eventsource;
import io.eventsource.opentelemetry.OpenTelemetryModule;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.ServiceRegistry;
import io.opentelemetry.api.OpenTelemetry;

/** The block of the README's "Traces" (see {@link ReadmeSnippets} for the markers). */
final class TracesSnippets {

    private TracesSnippets() {
    }

    /** The builder's block, on ports made earlier and the application's OpenTelemetry. */
    static Eventsource withoutDagger(EventLog log, AckStore acks, MessageBus bus, ServiceRegistry registry,
                                     OpenTelemetry openTelemetry) {
        // README: Traces
        Eventsource eventsource = Eventsource.builder()
                .eventLog(log).ackStore(acks).messageBus(bus).serviceRegistry(registry)
                .tracing(OpenTelemetryModule.tracing(openTelemetry))
                .build();
        // README: end
        return eventsource;
    }
}
