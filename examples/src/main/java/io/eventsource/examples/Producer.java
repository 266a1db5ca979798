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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The scenario's producer, on the real services ({@link RealServicesComposition}, configured from the
 * environment): waits until the services it expects are live (the scenario's three unless named), publishes
 * {@code N} events over {@code M} {@code Product} aggregates (every product created first, then a random mix of
 * changes), then waits until every live service's binding has an ack for each of them and prints the acks per
 * binding. Exits 0 if every binding handled every event ok, 1 otherwise.
 *
 * <pre>{@code java -cp ... io.eventsource.examples.Producer 1000 100 [service ...]}</pre>
 */
public final class Producer {
    private static final int DEFAULT_EVENTS = 1000;
    private static final int DEFAULT_AGGREGATES = 100;
    private static final Duration ACK_DEADLINE = Duration.ofMinutes(3);
    private static final Duration LIVE_DEADLINE = Duration.ofMinutes(2);
    private static final int KEYS_PER_FIND = 1000;

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
        List<Event> published = new ArrayList<>(count);
        int pending = 0;
        for (Demo.NewEventFor next : Demo.script(count, aggregates, System.nanoTime(), "run-" + run + "-",
                i -> Instant.now())) {
            Publication publication = publisher.publish(next.aggregate(), next.occurredAt(Instant.now()));
            published.addAll(publication.events());
            if (!publication.isSent()) {
                pending++;
            }
        }
        double publishSeconds = (System.nanoTime() - started) / 1e9;
        out.println(String.format(Locale.ROOT, "published %d events over %d products in %.1f s (%d left to the relay)",
                published.size(), aggregates, publishSeconds, pending));

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
                ? "every binding handled every event ok" : "NOT every binding handled every event ok", seconds,
                published.size() / seconds));
        return allOk && !bindings.isEmpty();
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
