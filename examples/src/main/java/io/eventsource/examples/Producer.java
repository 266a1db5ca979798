package io.eventsource.examples;

import io.eventsource.core.Publication;
import io.eventsource.core.Publisher;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.ServiceName;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scenario's producer, on the real services ({@link RealServicesComposition}, configured from the
 * environment): waits until the services it expects are live (the scenario's three unless named), publishes
 * {@code N} events over {@code M} {@code Product} aggregates (every product created first, then a random mix of
 * changes) with {@link Publisher#publishAsync}, at most {@value #IN_FLIGHT} publications in flight, then waits until
 * every live service's binding has an ack for each of them and prints the acks per binding and the events per second
 * end to end (from the first publish to the last ack). Exits 0 if every binding handled every event ok, 1 otherwise.
 *
 * <pre>{@code java -cp ... io.eventsource.examples.Producer 1000 100 [service ...]}</pre>
 */
public final class Producer {
    private static final int DEFAULT_EVENTS = 1000;
    private static final int DEFAULT_AGGREGATES = 100;
    private static final Duration ACK_DEADLINE = Duration.ofMinutes(3);
    private static final Duration LIVE_DEADLINE = Duration.ofMinutes(2);
    private static final int KEYS_PER_FIND = 1000;
    /** Publications outstanding at most. */
    private static final int IN_FLIGHT = 256;

    private Producer() {
    }

    /**
     * {@code args}: the number of events (default 1000) and of aggregates (default 100), then the services to wait
     * for (default {@code products ads api-legacy}).
     */
    public static void main(String[] args) {
        int events = args.length > 0 ? positive(args[0], "events") : DEFAULT_EVENTS;
        int aggregates = args.length > 1 ? positive(args[1], "aggregates") : DEFAULT_AGGREGATES;
        if (aggregates > events) {
            throw new IllegalArgumentException("usage: Producer [events] [aggregates] [service ...], with events >= "
                    + "aggregates; got " + events + " events over " + aggregates + " aggregates");
        }
        Set<ServiceName> expected = new TreeSet<>(Comparator.comparing(ServiceName::value));
        for (int i = 2; i < args.length; i++) {
            expected.add(ServiceName.of(args[i]));
        }
        if (expected.isEmpty()) {
            ServiceInstance.SERVICES.keySet().forEach(name -> expected.add(ServiceName.of(name)));
        }
        int status;
        try (RealStack stack = RealStack.open(RealSettings.fromEnvironment())) {
            status = run(stack, events, aggregates, expected, System.out) ? 0 : 1;
        }
        System.exit(status);
    }

    private static boolean run(RealStack stack, int count, int aggregates, Set<ServiceName> expected, PrintStream out) {
        out.println("waiting for " + expected + " to listen to " + Demo.PRODUCT + " in namespace " + stack.namespace());
        stack.awaitUntil(() -> stack.registry().liveServices(Demo.PRODUCT, Instant.now()).containsAll(expected),
                LIVE_DEADLINE);
        Set<ServiceName> live = stack.registry().liveServices(Demo.PRODUCT, Instant.now());
        out.println("live services of " + Demo.PRODUCT + ": " + live);
        Publisher publisher = stack.eventsource().publisher();
        String run = UUID.randomUUID().toString().substring(0, 8);
        long started = System.nanoTime();
        // publishAsync, at most IN_FLIGHT publications outstanding: calls made while earlier ones are in flight can
        // share their round trips, and the bound keeps a slow broker from piling up work in this process
        Semaphore permits = new Semaphore(IN_FLIGHT);
        List<Event> published = Collections.synchronizedList(new ArrayList<>(count));
        AtomicInteger pending = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        for (Demo.NewEventFor next : Demo.script(count, aggregates, System.nanoTime(), "run-" + run + "-",
                i -> Instant.now())) {
            permits.acquireUninterruptibly();
            CompletionStage<Publication> publication;
            try {
                publication = publisher.publishAsync(next.aggregate(), next.occurredAt(Instant.now()));
            } catch (RuntimeException e) {
                permits.release();
                throw e;
            }
            publication.whenComplete((done, failure) -> {
                if (failure != null) {
                    if (failed.getAndIncrement() == 0) {
                        out.println("a publish failed (nothing appended; further failures only counted): " + failure);
                    }
                } else {
                    published.addAll(done.events());
                    if (!done.isSent()) {
                        pending.incrementAndGet();
                    }
                }
                permits.release();
            });
        }
        permits.acquireUninterruptibly(IN_FLIGHT);
        double publishSeconds = (System.nanoTime() - started) / 1e9;
        out.println(String.format(Locale.ROOT, "published %d events over %d products in %.1f s (%.0f/s; %d left to the"
                        + " relay, %d failed)", published.size(), aggregates, publishSeconds,
                published.size() / publishSeconds, pending.get(), failed.get()));

        List<Binding> bindings = stack.registry().bindings().stream()
                .filter(binding -> binding.type().equals(Demo.PRODUCT) && live.contains(binding.service()))
                .sorted(Comparator.comparing(Binding::toString))
                .toList();
        Map<Binding, int[]> acks = new LinkedHashMap<>();
        boolean settled = stack.awaitUntil(() -> {
            acks.clear();
            acks.putAll(count(stack, published, bindings));
            return acks.values().stream().allMatch(okFail -> okFail[0] + okFail[1] == published.size());
        }, ACK_DEADLINE);
        double seconds = (System.nanoTime() - started) / 1e9;
        boolean allOk = settled;
        for (Map.Entry<Binding, int[]> entry : acks.entrySet()) {
            int[] okFail = entry.getValue();
            out.println(String.format(Locale.ROOT, "  %-26s ok %d, fail %d, missing %d", entry.getKey().service() + "/"
                    + entry.getKey().projection(), okFail[0], okFail[1], published.size() - okFail[0] - okFail[1]));
            allOk &= okFail[0] == published.size();
        }
        out.println(String.format(Locale.ROOT, "%s after %.1f s (%.0f events/s end to end)", allOk && !bindings.isEmpty()
                && failed.get() == 0 ? "every binding handled every event ok" : "NOT every binding handled every event ok",
                seconds, published.size() / seconds));
        return allOk && !bindings.isEmpty() && failed.get() == 0;
    }

    /** Per binding, how many of the events it acked ok and fail. */
    private static Map<Binding, int[]> count(RealStack stack, List<Event> events, List<Binding> bindings) {
        Map<Binding, int[]> counts = new LinkedHashMap<>();
        for (Binding binding : bindings) {
            int[] okFail = new int[2];
            for (int from = 0; from < events.size(); from += KEYS_PER_FIND) {
                List<AckKey> keys = new ArrayList<>();
                for (Event event : events.subList(from, Math.min(events.size(), from + KEYS_PER_FIND))) {
                    keys.add(AckKey.of(event.id(), binding));
                }
                for (Ack ack : stack.ackStore().find(keys).values()) {
                    okFail[ack.isOk() ? 0 : 1]++;
                }
            }
            counts.put(binding, okFail);
        }
        return counts;
    }

    private static int positive(String text, String what) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("usage: Producer [events] [aggregates]; " + what
                + " must be a positive whole number, got \"" + text + "\"");
    }
}
