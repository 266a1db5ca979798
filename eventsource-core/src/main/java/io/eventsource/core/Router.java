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
 *
 * <p><b>Routes.</b> A route declared or renewed less than {@link ExpiryPolicy#routeCacheTtl()} ago is trusted as it
 * is. One in use is kept so in the background from half that age on ({@link #refreshIfAging}); one past it is made
 * sure of on the publish path. Either way, a route whose queues cannot have expired yet (declared or renewed less than
 * the queue expiry ago) and that was declared in full less than the queue expiry ago is <em>renewed</em>
 * ({@link MessageBus#renewRoutes}: one passive call per queue, which restarts its expiry), and declared in full only if
 * a queue of it is missing; any other is declared in full. So a route in steady use costs the broker one declaration
 * per half to whole queue expiry (spread by aggregate, see {@link #declareEvery}) and cheap renewals in between,
 * rather than a declaration every half TTL, and a queue that lost its binding (a declaration cut short) is bound again
 * within a queue expiry.
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
    /** How long an aggregate queue lives unused: a route older than this may be gone, and is declared in full. */
    private final Duration queueExpiry;
    private final Duration liveTtl;
    private final ConcurrentMap<AggregateType, Cached> liveServices = new ConcurrentHashMap<>();
    private final ConcurrentMap<AggregateRef, Lease> routes = new ConcurrentHashMap<>();
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
        this.queueExpiry = expiry.queueExpiry();
        this.liveTtl = options.liveServicesCacheTtl();
        this.livenessTtl = expiry.livenessTtl();
        this.marks = new Gathering<>(scheduler::execute, batch -> markPublished(List.copyOf(batch.values())));
        this.refreshes = new Gathering<>(scheduler::execute, this::refresh);
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

    /**
     * {@link #ensureRoute} for several aggregates: those to make sure of renewed together, then those to declare
     * (and those whose renewal found a queue missing) declared together.
     */
    private Map<AggregateRef, RouteCollisionException> ensureRoutes(Map<AggregateRef, Set<ServiceName>> routes) {
        Instant now = scheduler.instant();
        Map<AggregateRef, Set<ServiceName>> toRenew = new LinkedHashMap<>();
        Map<AggregateRef, Set<ServiceName>> toDeclare = new LinkedHashMap<>();
        routes.forEach((aggregate, services) -> {
            Lease lease = this.routes.get(aggregate);
            if (lease == null || !lease.services().containsAll(services)) {
                toDeclare.put(aggregate, services);
            } else if (lease.trustedAt(now, routeTtl)) {
                refreshIfAging(aggregate, services, lease, now);
            } else if (lease.renewableAt(now, queueExpiry)) {
                toRenew.put(aggregate, services);
            } else {
                toDeclare.put(aggregate, services);
            }
        });
        if (!toRenew.isEmpty()) {
            toDeclare.putAll(renew(toRenew, now));
        }
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
        Lease lease = routes.get(aggregate);
        if (!force && lease != null && lease.services().containsAll(services)) {
            if (lease.trustedAt(now, routeTtl)) {
                refreshIfAging(aggregate, services, lease, now);
                return;
            }
            if (lease.renewableAt(now, queueExpiry) && renew(Map.of(aggregate, services), now).isEmpty()) {
                return;
            }
        }
        bus.declareRoute(aggregate, services);
        declared(aggregate, services, now);
    }

    /**
     * Renews the routes ({@link MessageBus#renewRoutes}) and records those renewed as of {@code at}, no later than
     * the renewal was made, for the services renewed: the queue of a service that is no longer live is left to expire.
     *
     * @return the routes that were not renewed (a queue missing): to declare
     */
    private Map<AggregateRef, Set<ServiceName>> renew(Map<AggregateRef, Set<ServiceName>> batch, Instant at) {
        Set<AggregateRef> notRenewed = bus.renewRoutes(batch);
        Map<AggregateRef, Set<ServiceName>> toDeclare = new LinkedHashMap<>();
        batch.forEach((aggregate, services) -> {
            if (notRenewed.contains(aggregate)) {
                toDeclare.put(aggregate, services);
            } else {
                renewed(aggregate, services, at);
            }
        });
        return toDeclare;
    }

    /**
     * A route in use whose lease is past half its TTL is made sure of again in the background (with the others that
     * age meanwhile, in one call), so that an aggregate that keeps being published to never waits on the publish
     * path for its route, which the TTL would otherwise bring every TTL, whatever the rate. Nothing is trusted longer
     * than before: the publish path still makes sure of a route whose lease is past its TTL, and a background
     * refresh that fails is tried again at the next publish to the aggregate. Only the queues of the services live
     * now are made sure of: one of a service no longer live expires as the seed meant it to, with what it holds.
     */
    private void refreshIfAging(AggregateRef aggregate, Set<ServiceName> live, Lease lease, Instant now) {
        if (!lease.trustedAt(now, routeTtl.dividedBy(2))) {
            refreshes.add(aggregate, live);
        }
    }

    /**
     * Makes sure of a batch of aging routes again: renews those declared in full recently enough
     * ({@link Lease#renewableAt}) and declares the rest, and those a queue of which is missing; a failure leaves each
     * to the next publish to it.
     */
    private void refresh(Map<AggregateRef, Set<ServiceName>> batch) {
        // a renewal or declaration restarts the queues' expiry no earlier than it is made
        Instant at = scheduler.instant();
        try {
            Map<AggregateRef, Set<ServiceName>> toRenew = new LinkedHashMap<>();
            Map<AggregateRef, Set<ServiceName>> toDeclare = new LinkedHashMap<>();
            batch.forEach((aggregate, services) -> {
                Lease lease = routes.get(aggregate);
                (lease != null && lease.renewableAt(at, queueExpiry) ? toRenew : toDeclare).put(aggregate, services);
            });
            if (!toRenew.isEmpty()) {
                toDeclare.putAll(renew(toRenew, at));
            }
            if (toDeclare.isEmpty()) {
                return;
            }
            Map<AggregateRef, RouteCollisionException> refused = bus.declareRoutes(toDeclare);
            toDeclare.forEach((aggregate, services) -> {
                if (!refused.containsKey(aggregate)) {
                    declared(aggregate, services, at);
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("making sure of {} aging route(s) in the background failed; each is made sure of at the next"
                    + " publish to it, on the publish path once its lease is past its TTL: {}", batch.size(),
                    e.toString());
        }
    }

    private void declared(AggregateRef aggregate, Set<ServiceName> services, Instant now) {
        metrics.routeDeclared(aggregate.type());
        routes.put(aggregate, new Lease(services, now, now, declareEvery(aggregate)));
        if (declaredSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            declaredSinceSweep.set(0);
            // a lease past the queue expiry is declared in full anyway
            routes.values().removeIf(entry -> !entry.renewableAt(now, queueExpiry));
        }
    }

    /**
     * How often a route in use is declared in full: once per queue expiry at most, spread between half of it and all
     * of it by the aggregate (a hash stable across runs), so that routes declared together (a burst of new aggregates,
     * the routes of a batch) do not all come back for a full declaration at the same moment, one queue expiry later,
     * and every queue expiry after: a broker declares a few dozen to a few hundred routes a second.
     */
    private Duration declareEvery(AggregateRef aggregate) {
        int hash = 31 * aggregate.type().value().hashCode() + aggregate.id().value().hashCode();
        long spread = Math.floorMod(hash, 1024);
        return queueExpiry.minus(queueExpiry.dividedBy(2).multipliedBy(spread).dividedBy(1024));
    }

    private void renewed(AggregateRef aggregate, Set<ServiceName> services, Instant now) {
        metrics.routeRenewed(aggregate.type());
        routes.computeIfPresent(aggregate, (key, lease) -> lease.renewedAt(services, now));
    }

    /**
     * What this router knows of an aggregate's route: the services whose queues it declared, when it last declared or
     * renewed them ({@code renewed}: each queue then lives at least a queue expiry more), when it last declared them
     * in full ({@code declared}: exchange, queues and bindings), and how long after that it declares them in full again
     * ({@code declareEvery}, at most a queue expiry).
     */
    private record Lease(Set<ServiceName> services, Instant renewed, Instant declared, Duration declareEvery) {
        /** Trusted as it is: renewed less than {@code ttl} ago. */
        boolean trustedAt(Instant now, Duration ttl) {
            return now.isBefore(renewed.plus(ttl));
        }

        /**
         * Its queues cannot have expired yet, and its bindings were declared less than {@code declareEvery} (at most a
         * queue expiry) ago: a renewal is enough to make sure of it.
         */
        boolean renewableAt(Instant now, Duration queueExpiry) {
            return now.isBefore(renewed.plus(queueExpiry)) && now.isBefore(declared.plus(declareEvery));
        }

        /** Renewed for {@code renewedServices}, some of its services: the others are no longer trusted. */
        Lease renewedAt(Set<ServiceName> renewedServices, Instant now) {
            return now.isAfter(renewed) ? new Lease(renewedServices, now, declared, declareEvery) : this;
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
