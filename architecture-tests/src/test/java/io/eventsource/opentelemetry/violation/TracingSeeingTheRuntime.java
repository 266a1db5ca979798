package io.eventsource.opentelemetry.violation;

import io.eventsource.core.Eventsource;

/** Violates TRACING_SEES_ONLY_THE_CORES_TRACING_INTERFACE: the tracing module reaches into the runtime. */
public class TracingSeeingTheRuntime {
    public void stop(Eventsource runtime) {
        runtime.stop();
    }
}
