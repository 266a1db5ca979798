/**
 * The test kit. {@link io.eventsource.testkit.EventsourceKit} is a JUnit 5 extension: register it with
 * {@code @RegisterExtension} and each test gets the runtime on every port in memory, on a virtual clock, with a
 * producer, as many instances of each service as the test starts, and the helpers that make such a test short:
 * {@link io.eventsource.testkit.EventsourceKit#settle() settle}, {@code acksOf}, {@code routeExists},
 * {@link io.eventsource.testkit.EventsourceKit#crash crash} and
 * {@link io.eventsource.testkit.EventsourceKit#advance advance}.
 */
package io.eventsource.testkit;
