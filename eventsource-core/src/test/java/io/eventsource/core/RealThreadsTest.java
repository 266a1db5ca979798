package io.eventsource.core;

import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
}
