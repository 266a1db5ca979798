package io.eventsource.examples.springboot;

import io.eventsource.domain.Event;
import io.eventsource.spring.EventsourceProjection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Service {@code api-legacy}: a feed of every event of a product, as names and bytes, counted per event name; bound
 * as an {@link EventsourceProjection} bean with a catch-all handler instead of annotated methods.
 */
@Configuration(proxyBeanMethods = false)
class LegacyApi {
    private final Map<String, AtomicLong> feed = new ConcurrentHashMap<>();

    // README: Spring Boot (2)
    @Bean
    EventsourceProjection legacyFeed() {
        return EventsourceProjection.of("api-legacy", ProductEvents.PRODUCT, ProductEvents.PROJECTION,
                binding -> binding.onAny(this::forward));
    }
    // README: end

    private void forward(Event event) {
        feed.computeIfAbsent(event.name().value(), name -> new AtomicLong()).incrementAndGet();
    }

    String summary() {
        return "fed " + new TreeMap<>(feed);
    }
}
