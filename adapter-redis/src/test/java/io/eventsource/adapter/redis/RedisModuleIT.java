package io.eventsource.adapter.redis;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.ServiceRegistry;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A component that lists {@link RedisModule} gets one working registry on the settings it is given. */
class RedisModuleIT {

    @Singleton
    @Component(modules = RedisModule.class)
    interface RegistryComponent {
        ServiceRegistry registry();

        @Component.Factory
        interface Factory {
            RegistryComponent create(@BindsInstance RedisSettings settings, @BindsInstance ExpiryPolicy expiry);
        }
    }

    @Test
    void providesOneRegistryOnTheGivenSettings() throws Exception {
        try (TestRedis redis = TestRedis.locate()) {
            RegistryComponent component = DaggerRedisModuleIT_RegistryComponent.factory()
                    .create(redis.settings(), ExpiryPolicy.SEED);
            try (ServiceRegistry registry = component.registry()) {
                assertThat(component.registry()).isSameAs(registry);

                registry.heartbeat(List.of(Binding.of("ads", "Product", "projections")), Instant.EPOCH);

                assertThat(registry.liveServices(AggregateType.of("Product"), Instant.EPOCH))
                        .containsExactly(ServiceName.of("ads"));
                assertThat(redis.keys()).allMatch(key -> key.startsWith(redis.namespace().prefix()));
            }
        }
    }
}
