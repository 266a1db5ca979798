package io.eventsource.core.violation;

import io.micrometer.core.instrument.MeterRegistry;

/** Violates MICROMETER_ONLY_IN_THE_METRICS_MODULE: the core counts on Micrometer directly. */
public class CoreWithMicrometer {
    public void count(MeterRegistry registry) {
        registry.counter("eventsource.events.published").increment();
    }
}
