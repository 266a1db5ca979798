package io.eventsource.adapter.redis.wiring;

import dagger.BindsInstance;
import dagger.Component;
import io.eventsource.adapter.redis.RedisModule;
import io.eventsource.adapter.redis.RedisSettings;
import io.eventsource.domain.AggregateType;
import io.eventsource.domain.Binding;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.ServiceName;
import io.eventsource.ports.ServiceRegistry;
import io.eventsource.tck.services.RealService;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A component outside the adapter's package (as a user's or the examples' is) that lists {@link RedisModule}
 * gets one working registry on the settings it is given, without naming the package-private implementation.
 */
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
    void providesOneRegistryOnTheGivenSettings() {
        var uri = RealService.REDIS.locate();
        var namespace = Namespace.of("it_" + UUID.randomUUID().toString().substring(0, 8) + ".");
        var settings = RedisSettings.local(namespace).withUri(uri);
        RegistryComponent component = DaggerRedisModuleIT_RegistryComponent.factory().create(settings, ExpiryPolicy.SEED);
        try (ServiceRegistry registry = component.registry(); RedisClient admin = RedisClient.create(uri)) {
            try {
                assertThat(component.registry()).isSameAs(registry);

                registry.heartbeat(List.of(Binding.of("ads", "Product", "projections")), Instant.EPOCH);

                assertThat(registry.liveServices(AggregateType.of("Product"), Instant.EPOCH))
                        .containsExactly(ServiceName.of("ads"));
                assertThat(admin.exists(namespace.apply("eventsourceServices"))).isTrue();
            } finally {
                admin.del(namespace.apply("eventsourceServices"), namespace.apply("ProductServicesHealthChecks"));
            }
        }
    }
}
