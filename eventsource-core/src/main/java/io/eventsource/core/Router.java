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
import io.eventsource.ports.RouteCollisionException;
import io.eventsource.ports.Scheduler;
import io.eventsource.ports.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Steps 2-5 of the seed's publish, for events already in the log: live services (cached briefly), the route
 * (cached well within the queue expiry, because publishing does not keep a queue alive), the publish, the
 * announcement, and finally marking the events published in the log (the outbox): at once for one aggregate's
 * events, and for a publisher's batch in the background, batched with the marks of other batches.
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
    private final ConcurrentMap<AggregateType, Cached> lastSeenLive = new ConcurrentHashMap<>();
    private final Duration livenessTtl;
    private final AtomicInteger declaredSinceSweep = new AtomicInteger();
    private final EventsourceMetrics metrics;
    private final Topologies topologies;
    /** Published events of publishers' batches, marked so in the background. */
    private final Gathering<EventId, Event> marks;
    /** Routes in use whose cache entry is past half its TTL, declared again in the background. */
    private final Gathering<AggregateRef, Set<ServiceName>> refreshes;

    Router(MessageBus bus, ServiceRegistry registry, EventLog log, Scheduler scheduler, ExpiryPolicy expiry,
           EventsourceOptions options, EventsourceMetrics metrics, Topologies topologies) {
        this.metrics = metrics;
        this.topologies = topologies;
        this.bus = bus;
        this.registry = registry;
        this.log = log;
        this.scheduler = scheduler;
        this.routeTtl = expiry.routeCacheTtl();
        this.liveTtl = options.liveServicesCacheTtl();
        this.livenessTtl = expiry.livenessTtl();
        this.marks = new Gathering<>(scheduler::execute, batch -> markPublished(List.copyOf(batch.values())));
        this.refreshes = new Gathering<>(scheduler::execute, this::declareAgain);
    }

    /** What became of a {@link #send}. */
    enum Outcome {
        /** Routed to the live services' queues, announced and marked published (for {@link #sendAll}: soon after). */
        SENT,
        /**
         * The registry named no live service of the type (and none was seen live within the liveness TTL): announced
         * (durable announcement queues keep it for services that come back), but not marked published, so that the
         * relay sends the events once a service heart-beats again.
         */
        NO_LIVE_SERVICE,
        /**
         * The broker refused the aggregate's route (a queue of that name belongs to another aggregate and service):
         * not published, left to the relay, which meets the same refusal until the other queue expires.
         */
        REFUSED
    }

    /**
     * Routes, publishes and announces the events of one aggregate, then marks them published; see {@link Outcome}.
     *
     * @throws io.eventsource.ports.PortException if the registry or broker failed; the events stay unpublished
     */
    Outcome send(AggregateRef aggregate, List<Event> events) {
        Set<ServiceName> services = liveServices(aggregate.type());
        if (services.isEmpty()) {
            // ExchangeMissing here only means no service ever listened to the type: nobody to tell
            bus.announce(aggregate);
            return Outcome.NO_LIVE_SERVICE;
        }
        route(aggregate, services, events);
        bus.announce(aggregate);
        markPublished(events);
        return Outcome.SENT;
    }

    /**
     * {@link #send} for a publisher's batch: the routes of every aggregate with live services (cached; those to declare
     * declared together), their events and one announcement per aggregate published with one wait for confirms, and
     * everything published marked so in the background (one mark for this batch and those sent meanwhile). An
     * aggregate whose route the broker refused ({@link RouteCollisionException}) is left unpublished without holding
     * up the others. Routes past half their cache TTL are declared again in the background (see
     * {@link #refreshIfAging}).
     *
     * @return per aggregate, in the order given
     * @throws io.eventsource.ports.PortException if the registry or broker failed; the events stay unpublished
     */
    Batch sendAll(Map<AggregateRef, List<Event>> events) {
        Map<AggregateRef, Outcome> outcomes = new LinkedHashMap<>();
        Map<AggregateRef, Set<ServiceName>> live = new LinkedHashMap<>();
        for (AggregateRef aggregate : events.keySet()) {
            Set<ServiceName> services = liveServices(aggregate.type());
            if (services.isEmpty()) {
                outcomes.put(aggregate, Outcome.NO_LIVE_SERVICE);
            } else {
                live.put(aggregate, services);
            }
        }
        Map<AggregateRef, RouteCollisionException> refused = ensureRoutes(live);
        Map<AggregateRef, List<Event>> routed = new LinkedHashMap<>();
        for (AggregateRef aggregate : events.keySet()) {
            if (refused.containsKey(aggregate)) {
                outcomes.put(aggregate, Outcome.REFUSED);
            } else if (live.containsKey(aggregate)) {
                routed.put(aggregate, events.get(aggregate));
                outcomes.put(aggregate, Outcome.SENT);
            }
        }
        // one wait for the confirms of the events and their announcements; an announcement's ExchangeMissing only
        // means that no service ever listened to the type: nobody to tell
        Map<AggregateRef, PublishResult> results = bus.publishAndAnnounce(routed, events.keySet());
        results.forEach((aggregate, result) -> {
            if (!result.isRouted()) {
                // as in send: declare again and publish that aggregate once more (its announcement went: a service
                // that finds no queue declares one and reads the log, one that finds this copy skips the first)
                route(aggregate, live.get(aggregate), routed.get(aggregate), result);
            }
        });
        List<Event> published = new ArrayList<>();
        routed.values().forEach(published::addAll);
        if (!published.isEmpty()) {
            markLater(published);
        }
        Map<AggregateRef, Outcome> inOrder = new LinkedHashMap<>();
        events.keySet().forEach(aggregate -> inOrder.put(aggregate, outcomes.get(aggregate)));
        return new Batch(inOrder, refused);
    }

    /** What became of each aggregate of a {@link #sendAll}, in the order given, and why a route was refused. */
    record Batch(Map<AggregateRef, Outcome> outcomes, Map<AggregateRef, RouteCollisionException> refused) {
    }

    /**
     * As {@link #send}, for the relay: events that were announced when they were appended are not announced again
     * while no service is live.
     */
    Outcome relay(AggregateRef aggregate, List<Event> events) {
        // the relay sends whatever the log holds: a type this runtime never published still goes the namespace's way
        topologies.forRelay(aggregate.type());
        if (liveServices(aggregate.type()).isEmpty()) {
            return Outcome.NO_LIVE_SERVICE;
        }
        return send(aggregate, events);
    }

    private void route(AggregateRef aggregate, Set<ServiceName> services, List<Event> events) {
        ensureRoute(aggregate, services, false);
        route(aggregate, services, events, bus.publish(aggregate, events));
    }

    private void route(AggregateRef aggregate, Set<ServiceName> services, List<Event> events, PublishResult first) {
        PublishResult result = first;
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

    /**
     * Marks the events published soon, off the caller's thread: one mark runs at a time, and the events of batches
     * sent meanwhile go into the next one, so that a publisher's batch waits for its confirms but not for its mark. A
     * mark that has not run yet leaves its events to the relay after its grace period, as a failed one does.
     */
    private void markLater(List<Event> events) {
        Map<EventId, Event> byId = new LinkedHashMap<>();
        events.forEach(event -> byId.put(event.id(), event));
        marks.addAll(byId);
    }

    /** Completes once the marks of the batches sent so far are done (or failed, and left to the relay). */
    CompletableFuture<Void> whenMarked() {
        return marks.whenDone();
    }

    /** Marks the events published, as the relay does for events that every binding has handled. */
    void markPublished(List<Event> events) {
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

    /**
     * The type's live services, cached for the live-services TTL. When the registry reads empty although services of
     * the type were live within the liveness TTL (a registry restarted or flushed: the listeners' next heartbeats
     * fill it again), the services last seen live stand in, so that no event is routed nowhere meanwhile.
     */
    private Set<ServiceName> liveServices(AggregateType type) {
        Instant now = scheduler.instant();
        Cached cached = liveServices.get(type);
        if (cached != null && cached.freshAt(now, liveTtl)) {
            return cached.services();
        }
        // the registry's order, not Set.copyOf's per-JVM order: a run on the virtual clock replays exactly
        Set<ServiceName> services = Collections.unmodifiableSet(new LinkedHashSet<>(registry.liveServices(type, now)));
        if (services.isEmpty()) {
            Cached seen = lastSeenLive.get(type);
            if (seen != null && seen.freshAt(now, livenessTtl)) {
                if (cached == null || !cached.standIn()) {
                    LOG.warn("the registry names no live service of {}; routing to {}, live {} ago, until the"
                            + " listeners' heartbeats fill it again", type, seen.services(), Duration.between(seen.at(), now));
                }
                liveServices.put(type, new Cached(seen.services(), now, true));
                return seen.services();
            }
        } else {
            lastSeenLive.put(type, new Cached(services, now));
        }
        liveServices.put(type, new Cached(services, now));
        return services;
    }

    /** {@link #ensureRoute} for several aggregates, the uncached ones declared together. */
    private Map<AggregateRef, RouteCollisionException> ensureRoutes(Map<AggregateRef, Set<ServiceName>> routes) {
        Instant now = scheduler.instant();
        Map<AggregateRef, Set<ServiceName>> toDeclare = new LinkedHashMap<>();
        routes.forEach((aggregate, services) -> {
            Cached cached = this.routes.get(aggregate);
            if (cached == null || !cached.freshAt(now, routeTtl) || !cached.services().containsAll(services)) {
                toDeclare.put(aggregate, services);
            } else {
                refreshIfAging(aggregate, cached, now);
            }
        });
        if (toDeclare.isEmpty()) {
            return Map.of();
        }
        Map<AggregateRef, RouteCollisionException> refused = bus.declareRoutes(toDeclare);
        toDeclare.forEach((aggregate, services) -> {
            if (!refused.containsKey(aggregate)) {
                declared(aggregate, services, now);
            }
        });
        refused.forEach((aggregate, why) -> LOG.warn("the route of {} was refused; its events stay unpublished: {}",
                aggregate, why.getMessage()));
        return refused;
    }

    private void ensureRoute(AggregateRef aggregate, Set<ServiceName> services, boolean force) {
        Instant now = scheduler.instant();
        Cached cached = routes.get(aggregate);
        if (!force && cached != null && cached.freshAt(now, routeTtl) && cached.services().containsAll(services)) {
            refreshIfAging(aggregate, cached, now);
            return;
        }
        bus.declareRoute(aggregate, services);
        declared(aggregate, services, now);
    }

    /**
     * A route in use whose cache entry is past half its TTL is declared again in the background (with the others
     * that age meanwhile, in one call), so that an aggregate that keeps being published to never waits on the publish
     * path for its route, which the TTL would otherwise bring every TTL, whatever the rate: at the seed's durations
     * each of 1,000 aggregates in use every 10 s, about the broker's whole declaration rate on two cores. Nothing is
     * trusted longer than before: the publish path still declares a route whose entry is past its TTL, and a
     * background declaration that fails is tried again at the next publish to the aggregate.
     */
    private void refreshIfAging(AggregateRef aggregate, Cached cached, Instant now) {
        if (!cached.freshAt(now, routeTtl.dividedBy(2))) {
            refreshes.add(aggregate, cached.services());
        }
    }

    /** Declares a batch of aging routes again; a failure leaves each to the next publish to it. */
    private void declareAgain(Map<AggregateRef, Set<ServiceName>> batch) {
        // the declaration restarts the queues' expiry no earlier than it is made
        Instant at = scheduler.instant();
        try {
            Map<AggregateRef, RouteCollisionException> refused = bus.declareRoutes(batch);
            batch.forEach((aggregate, services) -> {
                if (!refused.containsKey(aggregate)) {
                    declared(aggregate, services, at);
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("declaring {} aging route(s) again in the background failed; each is declared again at the"
                    + " next publish to it, on the publish path once its cache entry is past its TTL: {}",
                    batch.size(), e.toString());
        }
    }

    private void declared(AggregateRef aggregate, Set<ServiceName> services, Instant now) {
        metrics.routeDeclared(aggregate.type());
        routes.put(aggregate, new Cached(services, now));
        if (declaredSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            declaredSinceSweep.set(0);
            routes.values().removeIf(entry -> !entry.freshAt(now, routeTtl));
        }
    }

    /** A cached answer; {@code standIn} when its services stand in for a registry that read empty. */
    private record Cached(Set<ServiceName> services, Instant at, boolean standIn) {
        Cached(Set<ServiceName> services, Instant at) {
            this(services, at, false);
        }

        boolean freshAt(Instant now, Duration ttl) {
            return now.isBefore(at.plus(ttl));
        }
    }
}
