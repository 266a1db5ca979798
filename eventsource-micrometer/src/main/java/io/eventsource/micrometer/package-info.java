/**
 * The runtime's meters on a Micrometer {@code MeterRegistry}: list {@link io.eventsource.micrometer.MicrometerModule}
 * beside {@code EventsourceModule} in a Dagger component, or give
 * {@link io.eventsource.micrometer.MicrometerModule#metrics} to {@code Eventsource.builder().metrics(...)}.
 */
package io.eventsource.micrometer;
