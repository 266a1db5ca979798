package io.eventsource.core;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.domain.Ack;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.AckStore;
import io.eventsource.ports.Append;
import io.eventsource.ports.AppendOutcome;
import io.eventsource.ports.DeliveryListener;
import io.eventsource.ports.EventLog;
import io.eventsource.ports.MessageBus;
import io.eventsource.ports.PublishResult;
import io.eventsource.ports.Subscription;
import io.eventsource.tck.ForwardingAckStore;
import io.eventsource.tck.ForwardingEventLog;
import io.eventsource.tck.ForwardingMessageBus;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime on real threads (the simulated broker delivering on a {@link SystemScheduler} pool): one
 * aggregate strictly one event at a time, different aggregates at the same time.
 */
class RealThreadsTest {
    private static final AggregateRef SLOW = AggregateRef.of("Product", "slow");
    private static final AggregateRef FAST = AggregateRef.of("Product", "fast");

    @Test
    void handlesOneAggregateSeriallyWhileAnotherProceeds() throws InterruptedException {
        InMemoryPorts ports = InMemoryPorts.create();
        CountDownLatch fastHandled = new CountDownLatch(1);
        CountDownLatch allHandled = new CountDownLatch(6);
        Map<AggregateRef, AtomicInteger> running = new ConcurrentHashMap<>();
        List<String> order = new CopyOnWriteArrayList<>();
        List<String> overlaps = new CopyOnWriteArrayList<>();

        try (SystemScheduler scheduler = new SystemScheduler(4)) {
            InMemoryBroker broker = new InMemoryBroker(scheduler, ExpiryPolicy.seed());
            Eventsource runtime = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(), broker.connect(),
                    scheduler, ExpiryPolicy.seed());
            Listener ads = runtime.listener(ServiceName.of("ads"));
            ads.listen("Product", "projections").onAny(event -> {
                AtomicInteger inAggregate = running.computeIfAbsent(event.aggregate(), a -> new AtomicInteger());
                if (inAggregate.incrementAndGet() > 1) {
                    overlaps.add(event.toString());
                }
                try {
                    if (event.aggregate().equals(SLOW) && event.sequence() == 1) {
                        // the slow aggregate's first event waits for the other aggregate: only concurrency lets it go on
                        assertThat(fastHandled.await(10, TimeUnit.SECONDS)).as("the other aggregate ran meanwhile").isTrue();
                    }
                    order.add(event.aggregate() + "#" + event.sequence());
                } finally {
                    inAggregate.decrementAndGet();
                    if (event.aggregate().equals(FAST)) {
                        fastHandled.countDown();
                    }
                    allHandled.countDown();
                }
            });
            ads.start();

            Publisher publisher = runtime.publisher();
            for (int i = 0; i < 3; i++) {
                publisher.publish(SLOW, EventName.of("Changed"), Payload.text("slow " + i));
            }
            for (int i = 0; i < 3; i++) {
                publisher.publish(FAST, EventName.of("Changed"), Payload.text("fast " + i));
            }

            assertThat(allHandled.await(20, TimeUnit.SECONDS)).as("all six events handled").isTrue();
            runtime.stop().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the runtime did not stop", e);
        }

        assertThat(overlaps).as("events of one aggregate handled at the same time").isEmpty();
        assertThat(order).filteredOn(s -> s.startsWith("Product-slow")).containsExactly(
                "Product-slow#1", "Product-slow#2", "Product-slow#3");
        assertThat(order).filteredOn(s -> s.startsWith("Product-fast")).containsExactly(
                "Product-fast#1", "Product-fast#2", "Product-fast#3");
        assertThat(order.indexOf("Product-fast#1")).as("the fast aggregate did not wait for the slow one")
                .isLessThan(order.indexOf("Product-slow#1"));
    }
    @Test
    void theNextBatchAppendsWhileTheOneBeforeItSendsAndBothKeepTheirOrder() throws Exception {
        InMemoryPorts ports = InMemoryPorts.create();
        CountDownLatch firstSendStarted = new CountDownLatch(1);
        CountDownLatch secondAppended = new CountDownLatch(1);
        CountDownLatch releaseFirstSend = new CountDownLatch(1);
        AtomicInteger appends = new AtomicInteger();
        List<Long> published = new CopyOnWriteArrayList<>();
        EventLog log = new ForwardingEventLog(ports.eventLog()) {
            @Override
            public List<AppendOutcome> appendAll(List<Append> batch) {
                List<AppendOutcome> outcomes = super.appendAll(batch);
                if (appends.incrementAndGet() == 2) {
                    secondAppended.countDown();
                }
                return outcomes;
            }
        };
        try (SystemScheduler scheduler = new SystemScheduler(4)) {
            InMemoryBroker broker = new InMemoryBroker(scheduler, ExpiryPolicy.seed());
            MessageBus bus = new ForwardingMessageBus(broker.connect()) {
                @Override
                public Map<AggregateRef, PublishResult> publishAll(Map<AggregateRef, List<Event>> events) {
                    events.values().forEach(ofAggregate -> ofAggregate.forEach(e -> published.add(e.sequence())));
                    if (firstSendStarted.getCount() > 0) {
                        firstSendStarted.countDown();
                        await(releaseFirstSend);
                    }
                    return super.publishAll(events);
                }
            };
            Eventsource listening = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(),
                    broker.connect(), scheduler, ExpiryPolicy.seed());
            CountDownLatch handled = new CountDownLatch(2);
            Listener ads = listening.listener(ServiceName.of("ads"));
            ads.listen("Product", "projections").onAny(event -> handled.countDown());
            ads.start();
            Eventsource producing = new Eventsource(log, ports.ackStore(), ports.registry(), bus, scheduler,
                    ExpiryPolicy.seed());
            Publisher publisher = producing.publisher();

            CompletableFuture<Publication> first = publisher.publishAsync(SLOW, EventName.of("Changed"),
                    Payload.text("first")).toCompletableFuture();
            assertThat(firstSendStarted.await(10, TimeUnit.SECONDS)).as("the first batch sends").isTrue();
            CompletableFuture<Publication> second = publisher.publishAsync(SLOW, EventName.of("Changed"),
                    Payload.text("second")).toCompletableFuture();

            assertThat(secondAppended.await(10, TimeUnit.SECONDS)).as("the second batch appended while the first sent")
                    .isTrue();
            assertThat(second).as("the second waits for the first to be sent").isNotDone();
            releaseFirstSend.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS).isSent()).isTrue();
            assertThat(second.get(10, TimeUnit.SECONDS).isSent()).isTrue();
            assertThat(published).as("published in the order of the calls").containsExactly(1L, 2L);
            assertThat(handled.await(20, TimeUnit.SECONDS)).as("both events handled").isTrue();
            producing.stop().get(10, TimeUnit.SECONDS);
            listening.stop().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBatchOfOtherAggregatesPublishesWhileTheOneBeforeItWaitsForConfirmsAndOneSharingAnAggregateWaitsForIt()
            throws Exception {
        InMemoryPorts ports = InMemoryPorts.create();
        CountDownLatch firstSending = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<AggregateRef> sendingAtOnce = new CopyOnWriteArrayList<>();
        List<String> sends = new CopyOnWriteArrayList<>();
        AtomicInteger inSend = new AtomicInteger();
        CountDownLatch secondOfSlowAppended = new CountDownLatch(1);
        EventLog log = new ForwardingEventLog(ports.eventLog()) {
            @Override
            public List<AppendOutcome> appendAll(List<Append> batch) {
                List<AppendOutcome> outcomes = super.appendAll(batch);
                if (super.version(SLOW) == 2) {
                    secondOfSlowAppended.countDown();
                }
                return outcomes;
            }
        };
        // two workers: one held by the first batch's send, so that the other runs every later task in turn
        try (SystemScheduler scheduler = new SystemScheduler(2, 2, java.time.Clock.systemUTC())) {
            InMemoryBroker broker = new InMemoryBroker(scheduler, ExpiryPolicy.seed());
            MessageBus bus = new ForwardingMessageBus(broker.connect()) {
                @Override
                public Map<AggregateRef, PublishResult> publishAll(Map<AggregateRef, List<Event>> events) {
                    events.keySet().forEach(aggregate -> sends.add("start " + aggregate.id()));
                    if (inSend.incrementAndGet() > 1) {
                        sendingAtOnce.addAll(events.keySet());
                    }
                    try {
                        if (events.containsKey(SLOW) && firstSending.getCount() > 0) {
                            // the first batch waits for its confirms until the test lets it
                            firstSending.countDown();
                            await(releaseFirst);
                        }
                        return super.publishAll(events);
                    } finally {
                        inSend.decrementAndGet();
                        events.keySet().forEach(aggregate -> sends.add("end " + aggregate.id()));
                    }
                }
            };
            Eventsource listening = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(),
                    broker.connect(), scheduler, ExpiryPolicy.seed());
            CountDownLatch handled = new CountDownLatch(4);
            List<String> order = new CopyOnWriteArrayList<>();
            Listener ads = listening.listener(ServiceName.of("ads"));
            ads.listen("Product", "projections").onAny(event -> {
                order.add(event.aggregate().id() + "#" + event.sequence());
                handled.countDown();
            });
            ads.start();
            Eventsource producing = new Eventsource(log, ports.ackStore(), ports.registry(), bus,
                    scheduler, ExpiryPolicy.seed());
            Publisher publisher = producing.publisher();

            CompletableFuture<Publication> slow = publisher.publishAsync(SLOW, EventName.of("Changed"),
                    Payload.text("first")).toCompletableFuture();
            assertThat(firstSending.await(10, TimeUnit.SECONDS)).as("the first batch waits for its confirms").isTrue();
            CompletableFuture<Publication> fast = publisher.publishAsync(FAST, EventName.of("Changed"),
                    Payload.text("other aggregate")).toCompletableFuture();

            assertThat(fast.get(10, TimeUnit.SECONDS).isSent()).as("sent while the first still waits").isTrue();
            assertThat(sendingAtOnce).as("two batches in the send stage at once").containsExactly(FAST);
            CompletableFuture<Publication> slowAgain = publisher.publishAsync(SLOW, EventName.of("Changed"),
                    Payload.text("second")).toCompletableFuture();
            CompletableFuture<Publication> fastAgain = publisher.publishAsync(FAST, EventName.of("Changed"),
                    Payload.text("behind it")).toCompletableFuture();
            assertThat(secondOfSlowAppended.await(10, TimeUnit.SECONDS)).as("the second event of SLOW appended").isTrue();
            // the batch goes on from its append to its send (or to waiting) on the free worker, in the same task: a
            // task queued behind it runs once that decision is made
            CompletableFuture<Void> decided = new CompletableFuture<>();
            scheduler.execute(() -> decided.complete(null));
            decided.get(10, TimeUnit.SECONDS);
            assertThat(sends).as("no second send of SLOW while the first waits for its confirms")
                    .filteredOn("start slow"::equals).hasSize(1);
            assertThat(slowAgain).as("waits for the first").isNotDone();
            assertThat(fastAgain).as("in the batch behind it, or after it").isNotDone();
            releaseFirst.countDown();

            assertThat(slow.get(10, TimeUnit.SECONDS).isSent()).isTrue();
            assertThat(slowAgain.get(10, TimeUnit.SECONDS).isSent()).isTrue();
            assertThat(fastAgain.get(10, TimeUnit.SECONDS).isSent()).isTrue();
            assertThat(sends.indexOf("start slow")).isZero();
            assertThat(sends.lastIndexOf("start slow")).as("the second batch of SLOW starts after the first ends")
                    .isGreaterThan(sends.indexOf("end slow"));
            assertThat(handled.await(20, TimeUnit.SECONDS)).as("the four events handled").isTrue();
            assertThat(order).filteredOn(s -> s.startsWith("slow")).containsExactly("slow#1", "slow#2");
            assertThat(order).filteredOn(s -> s.startsWith("fast")).containsExactly("fast#1", "fast#2");
            producing.stop().get(10, TimeUnit.SECONDS);
            listening.stop().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The MySQL and PostgreSQL ack stores complete the stages of recorded acks on one thread of their own. An
     * aggregate whose next event waits in its lane when its ack completes goes on elsewhere: run on that thread, its
     * handler would hold up the completion of every other aggregate's acks, and with them those aggregates. Nor does a
     * handler run on the scheduler's timer threads (the simulated broker delivers on its workers).
     */
    @Test
    void anAggregateThatGoesOnAfterItsAckHoldsUpNoOtherAggregateWhenAcksCompleteOnOneThread() throws Exception {
        InMemoryPorts ports = InMemoryPorts.create();
        ExecutorService completions = Executors.newSingleThreadExecutor();
        CountDownLatch slowSecondDelivered = new CountDownLatch(1);
        AtomicReference<Thread> slowFirstHandledOn = new AtomicReference<>();
        List<String> handlerThreads = new CopyOnWriteArrayList<>();
        AckStore acks = new ForwardingAckStore(ports.ackStore()) {
            @Override
            public CompletionStage<Void> record(Collection<Ack> recorded) {
                boolean slowFirst = recorded.stream().anyMatch(ack -> ack.aggregate().equals(SLOW) && ack.sequence() == 1);
                CompletableFuture<Void> done = new CompletableFuture<>();
                super.record(recorded).whenComplete((ok, error) -> completions.execute(() -> {
                    if (slowFirst) {
                        // SLOW's second event waits in its lane when its first one's ack completes, and the thread
                        // that handled the first one has left the lane (it waits for its next task)
                        await(slowSecondDelivered);
                        awaitWaiting(slowFirstHandledOn.get());
                    }
                    if (error == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(error);
                    }
                }));
                return done;
            }
        };
        CountDownLatch fastHandled = new CountDownLatch(2);
        AtomicBoolean fastWentOn = new AtomicBoolean();
        CountDownLatch slowHandled = new CountDownLatch(2);
        try (SystemScheduler scheduler = new SystemScheduler(2)) {
            InMemoryBroker broker = new InMemoryBroker(scheduler, ExpiryPolicy.seed());
            MessageBus bus = new ForwardingMessageBus(broker.connect()) {
                @Override
                public Subscription subscribeAggregate(AggregateRef aggregate, ServiceName service,
                                                       DeliveryListener listener) {
                    return super.subscribeAggregate(aggregate, service, delivery -> {
                        listener.onDelivery(delivery);
                        if (delivery.event().aggregate().equals(SLOW) && delivery.event().sequence() == 2) {
                            slowSecondDelivered.countDown();
                        }
                    });
                }
            };
            Eventsource runtime = new Eventsource(ports.eventLog(), acks, ports.registry(), bus, scheduler,
                    ExpiryPolicy.seed());
            Listener ads = runtime.listener(ServiceName.of("ads"));
            ads.listen("Product", "projections").onAny(event -> {
                handlerThreads.add(Thread.currentThread().getName());
                if (event.aggregate().equals(SLOW) && event.sequence() == 1) {
                    slowFirstHandledOn.set(Thread.currentThread());
                }
                if (event.aggregate().equals(SLOW) && event.sequence() == 2) {
                    fastWentOn.set(awaitQuietly(fastHandled));
                }
                (event.aggregate().equals(FAST) ? fastHandled : slowHandled).countDown();
            });
            ads.start();
            Publisher publisher = runtime.publisher();
            publisher.publish(SLOW, EventName.of("Changed"), Payload.text("slow 1"));
            publisher.publish(SLOW, EventName.of("Changed"), Payload.text("slow 2"));
            assertThat(slowSecondDelivered.await(10, TimeUnit.SECONDS)).as("both of SLOW's events delivered").isTrue();
            publisher.publish(FAST, EventName.of("Changed"), Payload.text("fast 1"));
            publisher.publish(FAST, EventName.of("Changed"), Payload.text("fast 2"));

            assertThat(slowHandled.await(20, TimeUnit.SECONDS)).as("SLOW's two events handled").isTrue();
            assertThat(fastWentOn).as("FAST's two events handled while SLOW's second one waited for them").isTrue();
            assertThat(fastHandled.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(handlerThreads).as("no handler on the ack store's completion thread, nor on a timer thread")
                    .hasSize(4).doesNotContain(completionThread(completions))
                    .noneMatch(name -> name.startsWith("eventsource-scheduler-"));
            runtime.stop().get(10, TimeUnit.SECONDS);
        } finally {
            completions.shutdownNow();
        }
    }

    /**
     * An aggregate queue's consumer says that it returns at once, so a bus may call it on the thread that received the
     * message (amqp-client's): there it only asks its reads, and never runs a handler, even for an event that it read
     * ahead from the log and needs nothing more to handle. Here the bus is a thread of the test's that delivers the
     * second event only once the lane went idle after the first, which read the second one ahead.
     */
    @Test
    void anAggregateQueuesConsumerTakesDeliveriesOnTheBusThreadAndRunsNoHandlerThere() throws Exception {
        InMemoryPorts ports = InMemoryPorts.create();
        ExecutorService busThread = Executors.newSingleThreadExecutor(task -> new Thread(task, "bus-thread"));
        CountDownLatch bothPublished = new CountDownLatch(1);
        CountDownLatch firstSettled = new CountDownLatch(1);
        AtomicReference<Thread> settledOn = new AtomicReference<>();
        List<Boolean> returnsAtOnce = new CopyOnWriteArrayList<>();
        List<String> handledOn = new CopyOnWriteArrayList<>();
        CountDownLatch handled = new CountDownLatch(2);
        try (SystemScheduler scheduler = new SystemScheduler(2)) {
            InMemoryBroker broker = new InMemoryBroker(scheduler, ExpiryPolicy.seed());
            MessageBus bus = new ForwardingMessageBus(broker.connect()) {
                @Override
                public Subscription subscribeAggregate(AggregateRef aggregate, ServiceName service,
                                                       DeliveryListener listener) {
                    returnsAtOnce.add(listener.returnsAtOnce());
                    return super.subscribeAggregate(aggregate, service, delivery -> busThread.execute(() -> {
                        long sequence = delivery.event().sequence();
                        if (sequence == 1) {
                            await(bothPublished);
                            listener.onDelivery(new SettleNoted(delivery, () -> {
                                settledOn.set(Thread.currentThread());
                                firstSettled.countDown();
                            }));
                        } else {
                            // the lane is idle again: the thread that settled the first event has left it
                            await(firstSettled);
                            awaitWaiting(settledOn.get());
                            listener.onDelivery(delivery);
                        }
                    }));
                }
            };
            Eventsource runtime = new Eventsource(ports.eventLog(), ports.ackStore(), ports.registry(), bus,
                    scheduler, ExpiryPolicy.seed());
            Listener ads = runtime.listener(ServiceName.of("ads"));
            ads.listen("Product", "projections").onAny(event -> {
                handledOn.add(Thread.currentThread().getName());
                handled.countDown();
            });
            ads.start();
            Publisher publisher = runtime.publisher();
            publisher.publish(SLOW, EventName.of("Changed"), Payload.text("slow 1"));
            publisher.publish(SLOW, EventName.of("Changed"), Payload.text("slow 2"));
            bothPublished.countDown();

            assertThat(handled.await(10, TimeUnit.SECONDS)).as("both events handled").isTrue();
            assertThat(returnsAtOnce).as("the consumer's subscription").containsExactly(true);
            assertThat(handledOn).as("no handler on the bus's thread").hasSize(2).doesNotContain("bus-thread");
            runtime.stop().get(10, TimeUnit.SECONDS);
        } finally {
            busThread.shutdownNow();
        }
    }

    /** A delivery that tells when it is settled (acknowledged, requeued or rejected). */
    private record SettleNoted(io.eventsource.ports.Delivery delivery, Runnable settled)
            implements io.eventsource.ports.Delivery {
        @Override
        public Event event() {
            return delivery.event();
        }

        @Override
        public boolean redelivered() {
            return delivery.redelivered();
        }

        @Override
        public void ack() {
            delivery.ack();
            settled.run();
        }

        @Override
        public void requeue() {
            delivery.requeue();
            settled.run();
        }

        @Override
        public void reject() {
            delivery.reject();
            settled.run();
        }
    }

    private static String completionThread(ExecutorService completions) throws Exception {
        return completions.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
    }

    /** Waits until {@code thread} waits (for its pool's next task, here), or has ended. */
    private static void awaitWaiting(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING
                && thread.getState() != Thread.State.TERMINATED) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(thread + " never went back to waiting");
            }
            Thread.onSpinWait();
        }
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
