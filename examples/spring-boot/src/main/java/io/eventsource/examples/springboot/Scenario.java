package io.eventsource.examples.springboot;

import io.eventsource.core.Publication;
import io.eventsource.core.Publisher;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.ServiceName;
import io.eventsource.examples.springboot.ProductEvents.PriceChanged;
import io.eventsource.examples.springboot.ProductEvents.ProductCreated;
import io.eventsource.examples.springboot.ProductEvents.ProductDiscontinued;
import io.eventsource.examples.springboot.ProductEvents.ProductRenamed;
import io.eventsource.examples.springboot.ProductEvents.StockAdjusted;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.ServiceRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.stereotype.Component;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The scenario's producer, run once the application has started (so once its listeners listen): waits until the
 * three services are live in the registry, publishes {@code scenario.events} events (default 1000) over
 * {@code scenario.products} products (default 100; every product created first, then a seeded mix of changes) with
 * {@link Publisher#publishAsync}, at most 256 in flight, then waits until every binding has an ack for each event, and
 * prints the acks per binding. The application's exit code is 0 if every binding handled every event ok.
 */
@Component
class Scenario implements ApplicationRunner, ExitCodeGenerator {
    static final List<Binding> BINDINGS = List.of(Binding.of("products", ProductEvents.PRODUCT, ProductEvents.PROJECTION),
            Binding.of("ads", ProductEvents.PRODUCT, ProductEvents.PROJECTION),
            Binding.of("api-legacy", ProductEvents.PRODUCT, ProductEvents.PROJECTION));
    private static final int IN_FLIGHT = 256;
    private static final int KEYS_PER_FIND = 1000;
    private static final Duration LIVE_DEADLINE = Duration.ofMinutes(2);
    private static final Duration ACK_DEADLINE = Duration.ofMinutes(3);

    private final Publisher publisher;
    private final ServiceRegistry registry;
    private final AckStore acks;
    private final Catalog catalog;
    private final Ads ads;
    private final LegacyApi legacy;
    private final int events;
    private final int products;
    private final PrintStream out = System.out;
    private volatile Result result;

    Scenario(Publisher publisher, ServiceRegistry registry, AckStore acks, Catalog catalog, Ads ads, LegacyApi legacy,
             @Value("${scenario.events:1000}") int events, @Value("${scenario.products:100}") int products) {
        if (products < 1 || events < products) {
            throw new IllegalArgumentException("scenario.events must be at least scenario.products, and both positive;"
                    + " got " + events + " events over " + products + " products");
        }
        this.publisher = publisher;
        this.registry = registry;
        this.acks = acks;
        this.catalog = catalog;
        this.ads = ads;
        this.legacy = legacy;
        this.events = events;
        this.products = products;
    }

    /** What a run found: the events published, and per binding how many it acked ok and fail. */
    record Result(int published, int failedPublishes, Map<Binding, int[]> acks) {
        boolean allOk() {
            return published > 0 && failedPublishes == 0
                    && acks.values().stream().allMatch(okFail -> okFail[0] == published);
        }
    }

    @Override
    public void run(ApplicationArguments arguments) {
        Set<ServiceName> expected = new java.util.TreeSet<>(java.util.Comparator.comparing(ServiceName::value));
        BINDINGS.forEach(binding -> expected.add(binding.service()));
        AggregateType product = AggregateType.of(ProductEvents.PRODUCT);
        out.println("waiting for " + expected + " to listen to " + product);
        awaitUntil(() -> registry.liveServices(product, Instant.now()).containsAll(expected), LIVE_DEADLINE);

        String run = UUID.randomUUID().toString().substring(0, 8);
        long started = System.nanoTime();
        Semaphore permits = new Semaphore(IN_FLIGHT);
        List<Event> published = Collections.synchronizedList(new ArrayList<>(events));
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger pending = new AtomicInteger();
        for (Next next : script(run)) {
            permits.acquireUninterruptibly();
            try {
                publisher.publishAsync(next.product(), next.event()).whenComplete((Publication done, Throwable failure) -> {
                    if (failure != null) {
                        if (failed.getAndIncrement() == 0) {
                            out.println("a publish failed (further failures only counted): " + failure);
                        }
                    } else {
                        published.addAll(done.events());
                        if (!done.isSent()) {
                            pending.incrementAndGet();
                        }
                    }
                    permits.release();
                });
            } catch (RuntimeException e) {
                permits.release();
                throw e;
            }
        }
        permits.acquireUninterruptibly(IN_FLIGHT);
        out.println(String.format(Locale.ROOT, "published %d events over %d products in %.1f s (%d left to the relay, %d"
                + " failed)", published.size(), products, (System.nanoTime() - started) / 1e9, pending.get(), failed.get()));

        Map<Binding, int[]> counts = new LinkedHashMap<>();
        awaitUntil(() -> {
            counts.clear();
            counts.putAll(count(published));
            return counts.values().stream().allMatch(okFail -> okFail[0] + okFail[1] == published.size());
        }, ACK_DEADLINE);
        double seconds = (System.nanoTime() - started) / 1e9;
        Result done = new Result(published.size(), failed.get(), Map.copyOf(counts));
        counts.forEach((binding, okFail) -> out.println(String.format(Locale.ROOT, "  %-26s ok %d, fail %d, missing %d",
                binding.service() + "/" + binding.projection(), okFail[0], okFail[1],
                published.size() - okFail[0] - okFail[1])));
        out.println("  products: " + catalog.summary() + "; ads: " + ads.summary() + "; api-legacy: "
                + legacy.summary());
        out.println(String.format(Locale.ROOT, "%s after %.1f s", done.allOk()
                ? "every binding handled every event ok" : "NOT every binding handled every event ok", seconds));
        result = done;
    }

    /** The result of the run; null before it finished. */
    Result result() {
        return result;
    }

    @Override
    public int getExitCode() {
        Result done = result;
        return done != null && done.allOk() ? 0 : 1;
    }

    /** Every product created first, then a seeded mix of changes; the run's id keeps its products apart. */
    private List<Next> script(String run) {
        Random random = new Random(run.hashCode());
        List<AggregateRef> listed = new ArrayList<>();
        List<Next> script = new ArrayList<>();
        for (int i = 1; i <= products; i++) {
            AggregateRef product = AggregateRef.of(ProductEvents.PRODUCT, "p-" + run + "-" + (100 + i));
            listed.add(product);
            script.add(new Next(product, new ProductCreated("Product " + (100 + i), 500 + random.nextInt(9500))));
        }
        while (script.size() < events) {
            AggregateRef product = listed.get(random.nextInt(listed.size()));
            int dice = random.nextInt(100);
            Object event;
            if (dice < 45) {
                event = new PriceChanged(500 + random.nextInt(9500));
            } else if (dice < 80) {
                event = new StockAdjusted(random.nextInt(40) - 10);
            } else if (dice < 96 || listed.size() < 5) {
                event = new ProductRenamed(product.id().value() + " v" + random.nextInt(10));
            } else {
                event = new ProductDiscontinued();
                listed.remove(product);
            }
            script.add(new Next(product, event));
        }
        return script;
    }

    private record Next(AggregateRef product, Object event) {
    }

    private Map<Binding, int[]> count(List<Event> published) {
        List<Event> snapshot;
        synchronized (published) {
            snapshot = List.copyOf(published);
        }
        Map<Binding, int[]> counts = new LinkedHashMap<>();
        for (Binding binding : BINDINGS) {
            int[] okFail = new int[2];
            for (int from = 0; from < snapshot.size(); from += KEYS_PER_FIND) {
                List<AckKey> keys = new ArrayList<>();
                for (Event event : snapshot.subList(from, Math.min(snapshot.size(), from + KEYS_PER_FIND))) {
                    keys.add(AckKey.of(event.id(), binding));
                }
                for (Ack ack : acks.find(keys).values()) {
                    okFail[ack.isOk() ? 0 : 1]++;
                }
            }
            counts.put(binding, okFail);
        }
        return counts;
    }

    /** Polls every 200 ms until the condition holds or the deadline passes; a failing poll counts as not yet. */
    private static boolean awaitUntil(BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException e) {
                // not settled yet: a store or the registry is briefly unavailable
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
