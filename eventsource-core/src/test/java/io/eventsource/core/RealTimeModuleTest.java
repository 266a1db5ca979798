package io.eventsource.core;

import dagger.Component;
import io.eventsource.ports.Scheduler;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RealTimeModule} binds one {@link SystemScheduler} as the component's {@link Scheduler}. */
class RealTimeModuleTest {

    @Singleton
    @Component(modules = RealTimeModule.class)
    interface RealTime {
        Scheduler scheduler();

        SystemScheduler systemScheduler();
    }

    @Test
    void bindsOneSystemSchedulerAsTheScheduler() throws Exception {
        RealTime component = DaggerRealTimeModuleTest_RealTime.create();
        try (SystemScheduler scheduler = component.systemScheduler()) {
            CompletableFuture<Instant> ran = new CompletableFuture<>();
            Instant scheduledAt = component.scheduler().instant();

            component.scheduler().schedule(Duration.ofMillis(10), () -> ran.complete(scheduler.instant()));

            assertThat(component.scheduler()).isSameAs(scheduler).isSameAs(component.systemScheduler());
            assertThat(ran.get(10, TimeUnit.SECONDS)).as("ran on its threads, no earlier than the delay")
                    .isAfterOrEqualTo(scheduledAt.plusMillis(10));
        }
    }
}
