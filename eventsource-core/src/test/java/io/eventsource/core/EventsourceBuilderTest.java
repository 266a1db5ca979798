package io.eventsource.core;

import io.eventsource.adapter.inmemory.InMemoryAckStoreModule;
import io.eventsource.adapter.inmemory.InMemoryBroker;
import io.eventsource.adapter.inmemory.InMemoryEventLogModule;
import io.eventsource.adapter.inmemory.InMemoryServiceRegistryModule;
import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.domain.AggregateRef;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Payload;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.MessageBus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Eventsource#builder()}: the ports it requires, and the defaults it fills in. */
class EventsourceBuilderTest {
    private static final String SCHEDULER_THREAD = "eventsource-scheduler-";

    @Test
    void refusesToBuildWithoutPortsNamingEveryMissingOne() {
        MessageBus bus = new InMemoryBroker(new VirtualScheduler(), ExpiryPolicy.seed())
                .connect();
        EventsourceBuilder builder = Eventsource.builder().messageBus(bus);

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing: eventLog(EventLog), ackStore(AckStore), serviceRegistry(ServiceRegistry).")
                .hasMessageNotContaining("messageBus");
    }

    @Test
    void refusesNoPortAtAllNamingAllFour() {
        assertThatThrownBy(() -> Eventsource.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing: eventLog(EventLog), ackStore(AckStore), messageBus(MessageBus), "
                        + "serviceRegistry(ServiceRegistry).");
    }

    @Test
    void refusesANullPartNamingIt() {
        assertThatThrownBy(() -> Eventsource.builder().eventLog(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("eventLog");
        assertThatThrownBy(() -> Eventsource.builder().scheduler(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("scheduler");
        assertThatThrownBy(() -> Eventsource.builder().options(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("options");
    }

    /**
     * Given only the ports, the runtime runs on real time with the seed's policy and the default options, and its
     * close() ends the scheduler threads that the builder made for it (the broker runs on the test's own).
     */
    @Test
    void runsOnARealTimeSchedulerOfItsOwnThatClosesWithIt() throws Exception {
        List<Event> handled = new CopyOnWriteArrayList<>();
        CountDownLatch delivered = new CountDownLatch(1);
        try (SystemScheduler brokerTime = new SystemScheduler(2)) {
            int brokerPool = poolOf(brokerTime);
            InMemoryBroker broker = new InMemoryBroker(brokerTime, ExpiryPolicy.seed());
            Eventsource runtime = Eventsource.builder()
                    .eventLog(InMemoryEventLogModule.eventLog())
                    .ackStore(InMemoryAckStoreModule.ackStore())
                    .messageBus(broker.connect())
                    .serviceRegistry(InMemoryServiceRegistryModule.serviceRegistry(ExpiryPolicy.seed()))
                    .build();
            Listener ads = runtime.listener(ServiceName.of("ads"));
            ads.listen("Product", "projections").onAny(event -> {
                handled.add(event);
                delivered.countDown();
            });
            ads.start();
            runtime.publisher().publish(AggregateRef.of("Product", "42"), EventName.of("Created"), Payload.json("{}"));

            assertThat(delivered.await(20, TimeUnit.SECONDS)).as("the event reached the handler").isTrue();
            // pools are numbered in the order they are made: the runtime's is the one made after the broker's
            Set<Thread> runtimeThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> pool(thread.getName()) > brokerPool)
                    .collect(Collectors.toSet());
            assertThat(runtimeThreads).as("the runtime's own scheduler threads").isNotEmpty();

            runtime.close();
            for (Thread thread : runtimeThreads) {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }

            assertThat(runtimeThreads).as("threads of the runtime's scheduler after close()").noneMatch(Thread::isAlive);
            assertThat(handled).extracting(Event::sequence).containsExactly(1L);
        }
    }

    /** The number of {@code scheduler}'s pool, read from the name of the thread that runs a task of it. */
    private static int poolOf(SystemScheduler scheduler) throws Exception {
        CompletableFuture<String> name = new CompletableFuture<>();
        scheduler.schedule(Duration.ZERO, () -> name.complete(Thread.currentThread().getName()));
        return pool(name.get(10, TimeUnit.SECONDS));
    }

    /** {@code eventsource-scheduler-{pool}-{thread}}: the pool; -1 for any other thread. */
    private static int pool(String threadName) {
        if (!threadName.startsWith(SCHEDULER_THREAD)) {
            return -1;
        }
        String rest = threadName.substring(SCHEDULER_THREAD.length());
        return Integer.parseInt(rest.substring(0, rest.indexOf('-')));
    }
}
