package io.eventsource.core;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.EventId;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.NewEvent;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.domain.Topology;
import io.eventsource.ports.LoggedEvent;
import io.eventsource.ports.SequenceRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a listener's aggregate consumers meet the reads they share with the partitions' consumers, on real threads.
 */
class AggregateConsumersTest {
    private static final ServiceName ADS = ServiceName.of("ads");
    private static final int WORKERS = 2;
    private static final Instant OCCURRED = Instant.parse("2026-01-01T00:00:00Z");

    private final InMemoryPorts ports = InMemoryPorts.create();
    private final SystemScheduler scheduler = new SystemScheduler(1, WORKERS, Clock.systemUTC());

    @AfterEach
    void stop() {
        scheduler.close();
    }

    /**
     * Announcements are handled on the scheduler's workers, which also run the log reads that partitions' consumers
     * ask without a thread. Here every read slot is taken by such a read, queued behind two announcements that hold
     * both workers: an announcement that waited on its worker for a slot would wait for good, since the reads that
     * hold the slots can only run on those workers. It must ask and go, and consume once the log answered.
     */
    @Test
    void anAnnouncementNeverHoldsAWorkerWhileItWaitsForTheLog() throws Exception {
        SharedReads<SequenceRange, List<LoggedEvent>> reads = SharedReads.ofLog(ports.eventLog());
        AggregateConsumers consumers = new AggregateConsumers(ADS, ports.bus(), reads, scheduler, ExpiryPolicy.seed(),
                EventsourceOptions.defaults(), null, aggregate -> {
                });
        List<AggregateRef> announced = List.of(productWithAnEvent("a1"), productWithAnEvent("a2"));
        for (AggregateRef aggregate : announced) {
            ports.bus().declareRoute(aggregate, Set.of(ADS));
        }
        CountDownLatch busy = new CountDownLatch(WORKERS);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < WORKERS; i++) {
            scheduler.execute(() -> {
                busy.countDown();
                await(release);
            });
        }
        assertThat(busy.await(5, TimeUnit.SECONDS)).as("both workers busy").isTrue();

        // queued behind the busy workers: the two announcements, then the partitions' reads that take every slot
        List<CompletableFuture<Void>> handled = new ArrayList<>();
        for (AggregateRef aggregate : announced) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            handled.add(done);
            scheduler.execute(() -> {
                try {
                    consumers.announced(aggregate);
                } finally {
                    done.complete(null);
                }
            });
        }
        List<CompletableFuture<List<LoggedEvent>>> partitionReads = new ArrayList<>();
        for (int i = 0; i < SharedReads.CONCURRENT_LOG_READS; i++) {
            partitionReads.add(reads.readAsync(new SequenceRange(productWithAnEvent("p" + i), 1, 1),
                    scheduler::execute));
        }
        release.countDown();

        CompletableFuture.allOf(partitionReads.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(handled.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(consumers.active()).as("announced aggregates consumed").isEqualTo(announced.size());
        for (AggregateRef aggregate : announced) {
            assertThat(ports.broker().consumerCount(Topology.of(Namespace.NONE).aggregateQueue(aggregate, ADS)))
                    .isEqualTo(1);
        }
    }

    private AggregateRef productWithAnEvent(String id) {
        AggregateRef product = AggregateRef.of("Product", id);
        ports.eventLog().append(product, ExpectedVersion.exactly(0), List.of(new NewEvent(EventId.random(),
                EventName.of("Created"), Payload.text("x"), Map.of(), OCCURRED)));
        return product;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
