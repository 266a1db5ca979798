package io.eventsource.examples;

import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpectedVersion;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.core.Listener;
import io.eventsource.ports.MessageBus;
import io.eventsource.tck.services.RealService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anyone who can write to a type's announcement exchange can announce ids that nothing was published for. A
 * listener on the real services, flooded with 3,000 such announcements, declares no route for any of them (it asks
 * the log first), drops and counts them, keeps its memory flat, and still handles a real event afterwards.
 */
class AnnouncementFloodIT {
    private static final int FLOOD = 3_000;
    private static final ExpiryPolicy SHORT = new ExpiryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofSeconds(1), Duration.ofSeconds(10));
    /** Room for the JIT, class loading and the listener's own bookkeeping; 3,000 routes took ~150 MB before. */
    private static final long HEAP_GROWTH_LIMIT = 32L << 20;

    @BeforeAll
    static void servicesAreThere() {
        RealService.RABBITMQ.locate();
        RealService.REDIS.locate();
        RealService.MYSQL.locate();
    }

    @Test
    void announcementsOfUnknownAggregatesDeclareNothingAndLeaveMemoryFlat() throws Exception {
        RealSettings fromEnvironment = RealSettings.fromEnvironment();
        RealSettings settings = fromEnvironment.withExpiry(SHORT).withMySql(fromEnvironment.mySql().withPoolSize(3))
                .withNamespace(RealStack.freshNamespace(fromEnvironment.namespace(), "flood"));
        List<RealStack> stacks = new ArrayList<>();
        RealServicesIT.Records handled = new RealServicesIT.Records();
        try {
            RealStack listening = RealStack.open(settings);
            stacks.add(listening);
            Demo.Projector projector = ServiceInstance.SERVICES.get("ads").get()
                    .observedBy((event, view) -> handled.add(event.aggregate(), event.sequence()));
            Listener ads = listening.eventsource().listener(projector.service());
            projector.bind(ads);
            ads.start();
            RealStack attacker = RealStack.open(settings);
            stacks.add(attacker);
            assertThat(attacker.awaitUntil(() -> attacker.registry().liveServices(Demo.PRODUCT, Instant.now())
                    .contains(ServiceName.of("ads")), Duration.ofSeconds(30))).as("ads is live").isTrue();
            long heapBefore = heapAfterGc();

            MessageBus bus = attacker.messageBus();
            for (int i = 0; i < FLOOD; i++) {
                bus.announce(AggregateRef.of(Demo.PRODUCT.value(), "ghost-" + UUID.randomUUID()));
            }
            boolean drained = listening.awaitUntil(() -> ads.droppedAnnouncements() >= FLOOD, Duration.ofSeconds(90));
            long heapAfter = heapAfterGc();

            assertThat(drained).as("dropped %d of %d announcements", ads.droppedAnnouncements(), FLOOD).isTrue();
            assertThat(RealServicesIT.brokerObjects(settings.namespace().apply(Demo.PRODUCT.value() + "-ghost-"))).as("queues or exchanges declared for announced ids").isEmpty();
            System.out.printf("flood: %d unknown announcements dropped; heap after GC %d MB before, %d MB after%n",
                    FLOOD, heapBefore >> 20, heapAfter >> 20);
            assertThat(heapAfter - heapBefore).as("heap growth after GC, in bytes").isLessThan(HEAP_GROWTH_LIMIT);

            // the listener still does its work
            AggregateRef product = Demo.product(1);
            attacker.eventsource().publisher().publish(product, ExpectedVersion.ANY,
                    List.of(Demo.created(new Random(1), product, "real-1", Instant.now())));
            assertThat(listening.awaitUntil(() -> handled.handled() == 1, Duration.ofSeconds(30)))
                    .as("a real event is handled after the flood").isTrue();
        } finally {
            java.util.Collections.reverse(stacks);
            stacks.forEach(RealStack::close);
            NamespaceCleanup.drop(settings, List.of(new Binding(ServiceName.of("ads"), Demo.PRODUCT,
                    Demo.PROJECTIONS)));
        }
    }

    private static long heapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
