package io.eventsource.examples.springboot;

import io.eventsource.domain.Event;
import io.eventsource.examples.springboot.ProductEvents.PriceChanged;
import io.eventsource.examples.springboot.ProductEvents.ProductCreated;
import io.eventsource.examples.springboot.ProductEvents.ProductDiscontinued;
import io.eventsource.spring.EventsourceHandler;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Service {@code ads}: the price each advertised product shows, from three typed handler methods; the other events of a
 * product do not concern it (the runtime records them as handled ok).
 */
// README: Spring Boot
@Component
class Ads {
    private static final String SERVICE = "ads";

    private final Map<String, Long> advertised = new ConcurrentHashMap<>();

    @EventsourceHandler(service = SERVICE, type = ProductEvents.PRODUCT, projection = ProductEvents.PROJECTION)
    void created(ProductCreated created, Event event) {
        advertised.put(event.aggregate().id().value(), created.price());
    }

    @EventsourceHandler(service = SERVICE, type = ProductEvents.PRODUCT, projection = ProductEvents.PROJECTION)
    void priced(PriceChanged changed, Event event) {
        advertised.computeIfPresent(event.aggregate().id().value(), (id, price) -> changed.price());
    }

    @EventsourceHandler(service = SERVICE, type = ProductEvents.PRODUCT, projection = ProductEvents.PROJECTION)
    void discontinued(ProductDiscontinued discontinued, Event event) {
        advertised.remove(event.aggregate().id().value());
    }

    String summary() {
        return advertised.size() + " products advertised";
    }
}
// README: end
