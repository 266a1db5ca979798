/**
 * How integration tests find the real services they need (RabbitMQ, Redis, MySQL/MariaDB): the
 * environment variables, then the local defaults, then Testcontainers where a Docker engine runs; with
 * none of them the test is skipped with a message that says how to provide one, unless {@code CI=true}
 * or {@code -Dit.required=true}, when a missing service fails the build.
 */
package io.eventsource.tck.services;
