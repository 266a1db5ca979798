package io.eventsource.micrometer.violation;

import io.eventsource.core.Eventsource;

/** Violates METRICS_SEE_ONLY_THE_CORES_METRICS_INTERFACE: the metrics module reaches into the runtime. */
public class MetricsSeeingTheRuntime {
    public void stop(Eventsource runtime) {
        runtime.stop();
    }
}
