package io.eventsource.examples.springboot;

import io.eventsource.domain.Event;
import io.eventsource.examples.springboot.ProductEvents.PriceChanged;
import io.eventsource.examples.springboot.ProductEvents.ProductCreated;
import io.eventsource.examples.springboot.ProductEvents.ProductDiscontinued;
import io.eventsource.examples.springboot.ProductEvents.ProductRenamed;
import io.eventsource.examples.springboot.ProductEvents.StockAdjusted;
import io.eventsource.spring.EventsourceHandler;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Service {@code products}: the catalogue, every product with its name, price, stock and whether it is sold, from
 * typed handler methods. Events of one product arrive one at a time and in order, so a product's entry needs no lock.
 */
@Component
class Catalog {
    private static final String SERVICE = "products";

    private final Map<String, Entry> products = new ConcurrentHashMap<>();

    /** A product as the catalogue shows it. */
    record Entry(String name, long price, long stock, boolean sold) {
    }

    @EventsourceHandler(service = SERVICE, type = ProductEvents.PRODUCT, projection = ProductEvents.PROJECTION)
    void created(ProductCreated created, Event event) {
        products.put(event.aggregate().id().value(), new Entry(created.name(), created.price(), 0, true));
    }

    @EventsourceHandler(service = SERVICE, type = ProductEvents.PRODUCT, projection = ProductEvents.PROJECTION)
    void priced(PriceChanged changed, Event event) {
        products.computeIfPresent(event.aggregate().id().value(),
                (id, entry) -> new Entry(entry.name(), changed.price(), entry.stock(), entry.sold()));
    }

    @EventsourceHandler(service = SERVICE, type = ProductEvents.PRODUCT, projection = ProductEvents.PROJECTION)
    void stocked(StockAdjusted adjusted, Event event) {
        products.computeIfPresent(event.aggregate().id().value(),
                (id, entry) -> new Entry(entry.name(), entry.price(), entry.stock() + adjusted.delta(), entry.sold()));
    }

    @EventsourceHandler(service = SERVICE, type = ProductEvents.PRODUCT, projection = ProductEvents.PROJECTION)
    void renamed(ProductRenamed renamed, Event event) {
        products.computeIfPresent(event.aggregate().id().value(),
                (id, entry) -> new Entry(renamed.name(), entry.price(), entry.stock(), entry.sold()));
    }

    @EventsourceHandler(service = SERVICE, type = ProductEvents.PRODUCT, projection = ProductEvents.PROJECTION)
    void discontinued(ProductDiscontinued discontinued, Event event) {
        products.computeIfPresent(event.aggregate().id().value(),
                (id, entry) -> new Entry(entry.name(), entry.price(), entry.stock(), false));
    }

    /** How many products the catalogue lists, and how many of them are sold. */
    String summary() {
        long sold = products.values().stream().filter(Entry::sold).count();
        return products.size() + " products, " + sold + " sold";
    }
}
