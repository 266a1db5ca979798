package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventId;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Steps 2-5 of the seed's publish, for events already in the log: live services (cached briefly), the route
 * (cached well within the queue expiry, because publishing does not keep a queue alive), the publish, the
 * announcement, and finally marking the events published in the log (the outbox).
 */
final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    /** Stale cache entries are swept after this many route declarations, so the cache follows the active aggregates. */
    private static final int SWEEP_EVERY = 1024;

    private final MessageBus bus;
    private final ServiceRegistry registry;
    private final EventLog log;
    private final Scheduler scheduler;
    private final Duration routeTtl;
    private final Duration liveTtl;
    private final ConcurrentMap<AggregateType, Cached> liveServices = new ConcurrentHashMap<>();
    private final ConcurrentMap<AggregateRef, Cached> routes = new ConcurrentHashMap<>();
    private final AtomicInteger declaredSinceSweep = new AtomicInteger();

    Router(MessageBus bus, ServiceRegistry registry, EventLog log, Scheduler scheduler, ExpiryPolicy expiry,
           EventsourceOptions options) {
        this.bus = bus;
        this.registry = registry;
        this.log = log;
        this.scheduler = scheduler;
        this.routeTtl = expiry.routeCacheTtl();
        this.liveTtl = options.liveServicesCacheTtl();
    }

    /**
     * Routes, publishes and announces the events of one aggregate, then marks them published.
     *
     * @throws io.eventsource.ports.PortException if the registry or broker failed; the events stay unpublished
     */
    void send(AggregateRef aggregate, List<Event> events) {
        Set<ServiceName> services = liveServices(aggregate.type());
        if (!services.isEmpty()) {
            ensureRoute(aggregate, services, false);
            PublishResult result = bus.publish(aggregate, events);
            if (!result.isRouted()) {
                // the exchange auto-deleted with its last queue, or queues expired under a cached route:
                // declare again and publish once more (a queue that took the first copy dedupes the second)
                LOG.debug("publish to {} was {}; redeclaring the route and publishing again", aggregate, result);
                ensureRoute(aggregate, services, true);
                result = bus.publish(aggregate, events);
                if (!result.isRouted()) {
                    LOG.warn("publish to {} was {} after redeclaring its route for {}; the announcement and gap"
                            + " fill carry the events", aggregate, result, services);
                }
            }
        }
        // ExchangeMissing here only means no service ever listened to the type: nobody to tell
        bus.announce(aggregate);
        markPublished(events);
    }

    private void markPublished(List<Event> events) {
        List<EventId> ids = new ArrayList<>(events.size());
        for (Event event : events) {
            ids.add(event.id());
        }
        try {
            log.markPublished(ids, scheduler.instant());
        } catch (RuntimeException e) {
            // the broker has them; the relay will publish them again, and consumers dedupe
            LOG.warn("events of {} were published but could not be marked so; the relay will publish them again",
                    events.get(0).aggregate(), e);
        }
    }

    private Set<ServiceName> liveServices(AggregateType type) {
        Instant now = scheduler.instant();
        Cached cached = liveServices.get(type);
        if (cached != null && cached.freshAt(now, liveTtl)) {
            return cached.services();
        }
        // the registry's order, not Set.copyOf's per-JVM order: a run on the virtual clock replays exactly
        Set<ServiceName> services = Collections.unmodifiableSet(new LinkedHashSet<>(registry.liveServices(type, now)));
        liveServices.put(type, new Cached(services, now));
        return services;
    }

    private void ensureRoute(AggregateRef aggregate, Set<ServiceName> services, boolean force) {
        Instant now = scheduler.instant();
        Cached cached = routes.get(aggregate);
        if (!force && cached != null && cached.freshAt(now, routeTtl) && cached.services().containsAll(services)) {
            return;
        }
        bus.declareRoute(aggregate, services);
        routes.put(aggregate, new Cached(services, now));
        if (declaredSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            declaredSinceSweep.set(0);
            routes.values().removeIf(entry -> !entry.freshAt(now, routeTtl));
        }
    }

    private record Cached(Set<ServiceName> services, Instant at) {
        boolean freshAt(Instant now, Duration ttl) {
            return now.isBefore(at.plus(ttl));
        }
    }
}
