package io.eventsource.examples;

import io.eventsource.core.EventHandler;
import io.eventsource.core.TypedEventHandler;
import io.eventsource.core.Eventsource;
import io.eventsource.core.Listener;
import io.eventsource.core.Publication;
import io.eventsource.core.Publisher;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AckKey;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Projection;
import io.eventsource.domain.ServiceName;
import io.eventsource.jackson.JacksonModule;
import io.eventsource.jackson.JacksonSettings;
import io.eventsource.ports.EventSerializer;
import io.eventsource.ports.LogPage;
import io.eventsource.ports.LogQuery;
import io.eventsource.ports.SerializedEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * The seed's scenario, end to end: a producer publishes a few hundred events over a few dozen {@code Product}
 * aggregates; three services, {@code products}, {@code ads} and {@code api-legacy}, each project them their own
 * way. Prints each projection and the acks (events x bindings: ok, fail), and fails unless every binding
 * handled every event, in order, ok.
 *
 * <p>Run it with {@code mvn -q -B -pl examples -am -DskipTests -Pdemo package}; the first argument (property
 * {@code demo.stack}) picks the composition: {@code inmemory} by default, {@code real} for RabbitMQ, Redis and MySQL
 * configured from the environment ({@link RealSettings}), in a namespace of the run's own.
 *
 * <p>The events are records, published and handled through the typed API ({@link JacksonModule} is in both
 * compositions); the script writes them with the same serializer, so that their ids can be fixed.
 */
public final class Demo {
    static final AggregateType PRODUCT = AggregateType.of("Product");
    static final Projection PROJECTIONS = Projection.of("projections");
    /** The serializer the compositions bind, for the script's events, whose ids the script fixes. */
    static final EventSerializer SERIALIZER = JacksonModule.serializer(JacksonSettings.defaults());

    /** A product was listed. */
    public record ProductCreated(String name, long price) {
    }

    /** A product's price changed, in cents. */
    public record PriceChanged(long price) {
    }

    /** Units came into stock (positive) or went out (negative). */
    public record StockAdjusted(long delta) {
    }

    /** A product was renamed. */
    public record ProductRenamed(String name) {
    }

    /** A product will not be sold again. */
    public record ProductDiscontinued() {
    }
    private static final int AGGREGATES = 30;
    private static final int EVENTS = 300;
    private static final Instant SCRIPT_START = Instant.parse("2030-01-01T00:00:00Z");

    private final DemoStack stack;

    Demo(DemoStack stack) {
        this.stack = stack;
    }

    /** Runs the demo on the composition named by {@code args[0]} ({@code inmemory} if absent). */
    public static void main(String[] args) {
        String name = args.length > 0 && !args[0].isBlank() ? args[0] : "inmemory";
        Result result;
        try (DemoStack stack = DemoStack.open(name)) {
            if (stack instanceof RealStack real) {
                System.out.println("on RabbitMQ, Redis and MySQL in namespace " + real.namespace() + " (its tables "
                        + real.settings().mySql().tablePrefix() + "* and its durable " + PRODUCT
                        + "AggregateIds exchange and queues stay; the rest expires)");
            }
            result = new Demo(stack).run();
        }
        result.print(System.out);
        if (!result.allOk()) {
            throw new IllegalStateException("not every binding handled every event ok: " + result.acks());
        }
    }

    Result run() {
        Eventsource eventsource = stack.eventsource();
        Catalog products = new Catalog();
        Ads ads = new Ads();
        LegacyApi legacy = new LegacyApi();
        List<Projector> projectors = List.of(products, ads, legacy);
        for (Projector projector : projectors) {
            Listener listener = eventsource.listener(projector.service());
            projector.bind(listener);
            listener.start();
        }
        // let the listeners register and declare their announcement queues before the producer starts
        stack.awaitUntil(() -> false, Duration.ofMillis(200));

        Publisher publisher = eventsource.publisher();
        List<Event> published = new ArrayList<>();
        int pending = 0;
        // ids are fixed by the script, so that every run of the demo is the same; times are the stack's clock (on
        // the virtual clock, the same in every run too)
        for (NewEventFor next : script(EVENTS, AGGREGATES, 42, "demo-", i -> SCRIPT_START.plusMillis(i))) {
            Publication publication = publisher.publish(next.aggregate(), next.occurredAt(stack.now()));
            published.addAll(publication.events());
            if (!publication.isSent()) {
                pending++;
            }
        }
        List<Binding> bindings = new ArrayList<>();
        for (Projector projector : projectors) {
            bindings.add(new Binding(projector.service(), PRODUCT, PROJECTIONS));
        }
        boolean settled = stack.awaitUntil(() -> acks(published.size(), bindings).settled(), Duration.ofMinutes(5));
        AckSummary acks = acks(published.size(), bindings);
        return new Result(stack.name(), published.size(), pending, settled, stack.elapsed(), projectors, acks);
    }

    /** The producer's script: every product created first, then a seeded mix of changes. */
    static List<NewEventFor> script(int events, int aggregates, long seed, String idPrefix,
                                    IntFunction<Instant> occurredAt) {
        Random random = new Random(seed);
        List<NewEventFor> script = new ArrayList<>();
        List<AggregateRef> products = new ArrayList<>();
        for (int i = 1; i <= aggregates; i++) {
            AggregateRef product = product(i);
            products.add(product);
            script.add(new NewEventFor(product, created(random, product, idPrefix + script.size(),
                    occurredAt.apply(script.size()))));
        }
        List<AggregateRef> listed = new ArrayList<>(products);
        while (script.size() < events) {
            AggregateRef product = listed.get(random.nextInt(listed.size()));
            NewEvent next = change(random, product, listed.size() >= 5, idPrefix + script.size(),
                    occurredAt.apply(script.size()));
            if ("ProductDiscontinued".equals(next.name().value())) {
                listed.remove(product);
            }
            script.add(new NewEventFor(product, next));
        }
        return script;
    }

    /** The {@code i}-th product of the scripts, {@code Product-p-(100+i)}. */
    static AggregateRef product(int i) {
        return new AggregateRef(PRODUCT, io.eventsource.domain.AggregateId.of("p-" + (100 + i)));
    }

    /** The first event of a product. */
    static NewEvent created(Random random, AggregateRef product, String id, Instant at) {
        return event(id, new ProductCreated("Product " + product.id().value(), 500 + random.nextInt(9500)), at);
    }

    /** A later event of a product: a price, stock or name change, or (if allowed) its discontinuation. */
    static NewEvent change(Random random, AggregateRef product, boolean mayDiscontinue, String id, Instant at) {
        int dice = random.nextInt(100);
        if (dice < 45) {
            return event(id, new PriceChanged(500 + random.nextInt(9500)), at);
        } else if (dice < 80) {
            return event(id, new StockAdjusted(random.nextInt(40) - 10), at);
        } else if (dice < 96 || !mayDiscontinue) {
            return event(id, new ProductRenamed("Product " + product.id().value() + " v" + random.nextInt(10)), at);
        }
        return event(id, new ProductDiscontinued(), at);
    }

    /** A typed event with the script's id, written as the typed API writes it. */
    private static NewEvent event(String id, Object event, Instant at) {
        SerializedEvent written = SERIALIZER.serialize(event);
        return new NewEvent(EventId.of(id), written.name(), written.payload(), Map.of(), at);
    }

    /** Counts the acks of every published event for every binding, from the event log and the ack store. */
    private AckSummary acks(int published, List<Binding> bindings) {
        int ok = 0;
        int fail = 0;
        int events = 0;
        LogQuery query = LogQuery.all().ofType(PRODUCT);
        LogPage page;
        do {
            page = stack.eventLog().read(query);
            List<AckKey> keys = new ArrayList<>();
            for (var logged : page.events()) {
                events++;
                for (Binding binding : bindings) {
                    keys.add(AckKey.of(logged.event().id(), binding));
                }
            }
            for (Ack ack : stack.ackStore().find(keys).values()) {
                if (ack.isOk()) {
                    ok++;
                } else {
                    fail++;
                }
            }
            query = query.after(page.lastPosition());
        } while (page.hasMore());
        return new AckSummary(Math.max(events, published), bindings.size(), ok, fail);
    }

    /** One event of a script and its aggregate. */
    record NewEventFor(AggregateRef aggregate, NewEvent event) {
        /** The event as having occurred at {@code at}: when it is published, on the stack's clock. */
        NewEvent occurredAt(Instant at) {
            return new NewEvent(event.id(), event.name(), event.payload(), event.metadata(), at);
        }
    }

    /** The acks of every event for every binding. */
    record AckSummary(int events, int bindings, int ok, int fail) {
        int expected() {
            return events * bindings;
        }

        int missing() {
            return expected() - ok - fail;
        }

        boolean settled() {
            return missing() == 0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d events x %d bindings = %d acks: ok %d, fail %d, missing %d", events,
                    bindings, expected(), ok, fail, missing());
        }
    }

    /** What the demo prints. */
    record Result(String stack, int published, int pending, boolean settled, Duration elapsed,
                  List<Projector> projectors, AckSummary acks) {
        boolean allOk() {
            boolean inOrder = projectors.stream().allMatch(p -> p.outOfOrder() == 0 && p.repeats() == 0);
            return settled && inOrder && acks.ok() == acks.expected();
        }

        void print(java.io.PrintStream out) {
            out.printf(Locale.ROOT, "eventsource demo on the %s composition: %d events published (%d left to the relay),"
                    + " settled after %.1f s of %s time%n", stack, published, pending, elapsed.toMillis() / 1000.0,
                    "inmemory".equals(stack) ? "virtual" : "real");
            for (Projector projector : projectors) {
                out.printf(Locale.ROOT, "  %-11s %s; %d events handled, %s%n", projector.service(), projector.summary(),
                        projector.handled(), projector.outOfOrder() == 0 && projector.repeats() == 0
                                ? "each aggregate in order, none twice"
                                : projector.outOfOrder() + " out of order, " + projector.repeats() + " repeated");
            }
            out.println("  acks: " + acks);
            out.println(allOk() ? "every binding handled every event ok" : "NOT every binding handled every event ok");
        }
    }

    /**
     * One service's projection of Product events. Handlers of different aggregates run concurrently on real
     * services, so each applies its event under the projector's lock.
     */
    abstract static class Projector {
        private final Map<AggregateRef, Long> lastSequence = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        private int handled;
        private int outOfOrder;
        private int repeats;
        private BiConsumer<Event, String> observer = (event, view) -> { };

        abstract ServiceName service();

        abstract void bind(Listener listener);

        abstract String summary();

        /** What the projection holds about one product, after its latest event. */
        abstract String view(String productId);

        /** Calls {@code value} with each handled event and the projection's {@link #view} of its product after it. */
        final synchronized Projector observedBy(BiConsumer<Event, String> value) {
            observer = Objects.requireNonNull(value, "observer");
            return this;
        }

        /** A handler that counts the event, checks its order, applies {@code body}, then tells the observer. */
        final <T> TypedEventHandler<T> applying(TypedEventHandler<T> body) {
            return (typed, event) -> {
                synchronized (this) {
                    seen(event);
                    body.handle(typed, event);
                    observer.accept(event, view(event.aggregate().id().value()));
                }
            };
        }

        /** As {@link #applying(TypedEventHandler)}, for a catch-all handler of any event. */
        final EventHandler applyingAny(EventHandler body) {
            TypedEventHandler<Event> applied = applying((event, envelope) -> body.handle(envelope));
            return event -> applied.handle(event, event);
        }

        /** The product an event is about. */
        static String product(Event event) {
            return event.aggregate().id().value();
        }

        /** Counts the event and checks the per-aggregate order (as one instance sees it). */
        private void seen(Event event) {
            handled++;
            long last = lastSequence.getOrDefault(event.aggregate(), 0L);
            if (event.sequence() <= last) {
                repeats++;
            } else if (event.sequence() != last + 1) {
                outOfOrder++;
            }
            lastSequence.put(event.aggregate(), Math.max(last, event.sequence()));
        }

        synchronized int handled() {
            return handled;
        }

        synchronized int outOfOrder() {
            return outOfOrder;
        }

        synchronized int repeats() {
            return repeats;
        }
    }

    /** {@code products}: the catalog itself. */
    static final class Catalog extends Projector {
        private final Map<String, long[]> priceAndStock = new TreeMap<>();
        private final Map<String, String> names = new TreeMap<>();
        private final Set<String> discontinued = new TreeSet<>();

        @Override
        ServiceName service() {
            return ServiceName.of("products");
        }

        @Override
        void bind(Listener listener) {
            // an instance may take a product over from another instance of the service, after its creation
            listener.listen(PRODUCT, PROJECTIONS)
                    .on(ProductCreated.class, applying((created, e) -> {
                        names.put(product(e), created.name());
                        entry(e)[0] = created.price();
                    }))
                    .on(PriceChanged.class, applying((changed, e) -> entry(e)[0] = changed.price()))
                    .on(StockAdjusted.class, applying((adjusted, e) -> {
                        long[] entry = entry(e);
                        entry[1] = Math.max(0, entry[1] + adjusted.delta());
                    }))
                    .on(ProductRenamed.class, applying((renamed, e) -> names.put(product(e), renamed.name())))
                    .on(ProductDiscontinued.class, applying((gone, e) -> discontinued.add(product(e))));
        }

        private long[] entry(Event event) {
            return priceAndStock.computeIfAbsent(event.aggregate().id().value(), id -> new long[2]);
        }

        @Override
        synchronized String summary() {
            long value = 0;
            long units = 0;
            for (long[] entry : priceAndStock.values()) {
                value += entry[0] * entry[1];
                units += entry[1];
            }
            return String.format(Locale.ROOT, "%d products (%d discontinued), %d units in stock worth %.2f",
                    priceAndStock.size(), discontinued.size(), units, value / 100.0);
        }

        @Override
        String view(String productId) {
            long[] entry = priceAndStock.getOrDefault(productId, new long[2]);
            return String.format(Locale.ROOT, "\"%s\" at %.2f, %d in stock%s", names.getOrDefault(productId, "?"),
                    entry[0] / 100.0, entry[1], discontinued.contains(productId) ? ", discontinued" : "");
        }
    }

    /** {@code ads}: promotes price drops, withdraws the ads of discontinued products. */
    static final class Ads extends Projector {
        private final Map<String, Long> prices = new TreeMap<>();
        private final Set<String> promoted = new TreeSet<>();
        private final Set<String> withdrawn = new TreeSet<>();
        private int promotions;

        @Override
        ServiceName service() {
            return ServiceName.of("ads");
        }

        @Override
        void bind(Listener listener) {
            listener.listen(PRODUCT, PROJECTIONS)
                    .on(ProductCreated.class, applying((created, e) -> prices.put(product(e), created.price())))
                    .on(PriceChanged.class, applying((changed, e) -> {
                        String id = product(e);
                        long price = changed.price();
                        Long before = prices.put(id, price);
                        if (before != null && price < before) {
                            promotions++;
                            promoted.add(id);
                        } else {
                            promoted.remove(id);
                        }
                    }))
                    .on(ProductDiscontinued.class, applying((gone, e) -> withdrawn.add(product(e))))
                    .onAny(applyingAny(e -> { }));
        }

        @Override
        synchronized String summary() {
            return String.format(Locale.ROOT, "%d price drops promoted over %d products, %d ads withdrawn", promotions,
                    prices.size(), withdrawn.size());
        }

        @Override
        String view(String productId) {
            if (withdrawn.contains(productId)) {
                return "ad withdrawn";
            }
            Long price = prices.get(productId);
            String shown = price == null ? "price unknown" : String.format(Locale.ROOT, "%.2f", price / 100.0);
            return promoted.contains(productId) ? "promoted: price drop to " + shown : "ad at " + shown;
        }
    }

    /** {@code api-legacy}: a counter per event name, all through the catch-all handler. */
    static final class LegacyApi extends Projector {
        private final Map<String, Integer> counts = new TreeMap<>();
        private final Map<String, Integer> perProduct = new TreeMap<>();

        @Override
        ServiceName service() {
            return ServiceName.of("api-legacy");
        }

        @Override
        void bind(Listener listener) {
            listener.listen(PRODUCT, PROJECTIONS).onAny(applyingAny(e -> {
                counts.merge(e.name().value(), 1, Integer::sum);
                perProduct.merge(e.aggregate().id().value(), 1, Integer::sum);
            }));
        }

        @Override
        synchronized String summary() {
            return "events by name " + counts;
        }

        @Override
        String view(String productId) {
            return perProduct.getOrDefault(productId, 0) + " events of this product served";
        }
    }
}
