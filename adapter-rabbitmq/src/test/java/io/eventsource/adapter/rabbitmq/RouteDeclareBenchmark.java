package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.PublishResult;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures the two costs of the seed's flow on a broker (not a test; run it by hand): route declarations per second
 * (exchange + 3 queues + 3 bindings, as {@code declareRoute} does them) on one thread and on four, and confirmed
 * publishes per second (batches of events per {@code publish}, one confirm wait per batch, and one event per
 * {@code publish}). Everything goes under a fresh {@code bench_} namespace with the seed's 30 s queue expiry, so the
 * broker deletes it all (messages included) half a minute after.
 *
 * <pre>
 * mvn -B -q -pl adapter-rabbitmq -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
 * java -cp adapter-rabbitmq/target/test-classes:adapter-rabbitmq/target/classes:$(cat adapter-rabbitmq/target/bench.classpath) \
 *     io.eventsource.adapter.rabbitmq.RouteDeclareBenchmark [routes=400] [events=20000] [events per publish call and confirm batch=100]
 * </pre>
 *
 * The broker is {@code EVENTSOURCE_AMQP_URI}, or the local default.
 */
public final class RouteDeclareBenchmark {
    private static final Set<ServiceName> SERVICES = Set.of(ServiceName.of("ads"), ServiceName.of("search"),
            ServiceName.of("api-legacy"));
    /** The seed's 30 s: on a loaded machine, publishing 20,000 persistent events can outlast a shorter expiry. */
    private static final ExpiryPolicy EXPIRY = ExpiryPolicy.seed();

    private RouteDeclareBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int routes = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int perCall = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        RabbitMqSettings settings = RabbitMqSettings.fromEnvironment().withConfirmBatchSize(perCall)
                .withNamespace(Namespace.of("bench_" + UUID.randomUUID().toString().substring(0, 8) + "."));
        System.out.println("broker " + settings.redactedUri() + ", namespace " + settings.namespace());
        try (ThreadScheduler scheduler = new ThreadScheduler();
             RabbitMqMessageBus bus = new RabbitMqMessageBus(settings, EXPIRY, scheduler,
                     RabbitMqConnections.open(settings))) {
            declareRoutes(bus, "warm-up", 50, 1);
            report("route declarations/s, 1 thread ", routes, declareRoutes(bus, "one", routes, 1));
            report("route declarations/s, 4 threads", routes, declareRoutes(bus, "four", routes, 4));

            AggregateRef aggregate = AggregateRef.of("Bench", "batched");
            bus.declareRoute(aggregate, Set.of(ServiceName.of("ads")));
            List<Event> all = Recorder.events(aggregate, 1, events);
            long start = System.nanoTime();
            for (int from = 0; from < events; from += perCall) {
                check(bus.publish(aggregate, all.subList(from, Math.min(events, from + perCall))));
            }
            report("confirmed publishes/s, " + perCall + " per publish call", events, System.nanoTime() - start);

            AggregateRef single = AggregateRef.of("Bench", "single");
            bus.declareRoute(single, Set.of(ServiceName.of("ads")));
            int singles = Math.min(events, 2_000);
            List<Event> one = Recorder.events(single, 1, singles);
            start = System.nanoTime();
            for (Event event : one) {
                PublishResult result = bus.publish(single, List.of(event));
                if (!result.isRouted()) {
                    throw new IllegalStateException("publish " + event.sequence() + " after "
                            + (System.nanoTime() - start) / 1_000_000 + " ms was not routed: " + result);
                }
            }
            report("confirmed publishes/s, 1 per publish call  ", singles, System.nanoTime() - start);
        }
    }

    private static long declareRoutes(RabbitMqMessageBus bus, String label, int routes, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = thread; i < routes; i += threads) {
                        bus.declareRoute(AggregateRef.of("Bench", label + "-" + i), SERVICES);
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            return System.nanoTime() - start;
        } finally {
            pool.shutdown();
        }
    }

    private static void check(PublishResult result) {
        if (!result.isRouted()) {
            throw new IllegalStateException("publish was not routed: " + result);
        }
    }

    private static void report(String what, int count, long nanos) {
        System.out.printf(Locale.ROOT, "%s: %,10.0f  (%d in %d ms)%n", what, count / (nanos / 1e9), count,
                nanos / 1_000_000);
    }
}
