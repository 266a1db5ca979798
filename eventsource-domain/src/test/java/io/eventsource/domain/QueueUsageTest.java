package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueueUsageTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration EXPIRY = Duration.ofSeconds(30);

    @Test
    void aQueueWithoutConsumerExpiresExactlyThirtySecondsAfterItsDeclare() {
        QueueUsage usage = QueueUsage.declaredAt(T0);

        assertThat(usage.expiresAt(EXPIRY)).contains(T0.plusSeconds(30));
        assertThat(usage.isExpired(T0.plusSeconds(30).minusNanos(1), EXPIRY)).isFalse();
        assertThat(usage.isExpired(T0.plusSeconds(30), EXPIRY)).isTrue();
    }

    @Test
    void aRedeclareRestartsTheUnusedPeriod() {
        QueueUsage usage = QueueUsage.declaredAt(T0).redeclared(T0.plusSeconds(20));

        assertThat(usage.isExpired(T0.plusSeconds(30), EXPIRY)).isFalse();
        assertThat(usage.expiresAt(EXPIRY)).contains(T0.plusSeconds(50));
    }

    @Test
    void aQueueWithAConsumerNeverExpires() {
        QueueUsage usage = QueueUsage.declaredAt(T0).consumerAdded(T0.plusSeconds(1));

        assertThat(usage.expiresAt(EXPIRY)).isEmpty();
        assertThat(usage.isExpired(T0.plus(Duration.ofDays(365)), EXPIRY)).isFalse();
    }

    @Test
    void theUnusedPeriodStartsWhenTheLastConsumerGoes() {
        QueueUsage usage = QueueUsage.declaredAt(T0).consumerAdded(T0).consumerAdded(T0.plusSeconds(1))
                .consumerRemoved(T0.plusSeconds(40));
        assertThat(usage.expiresAt(EXPIRY)).as("one consumer left").isEmpty();

        QueueUsage unused = usage.consumerRemoved(T0.plusSeconds(60));

        assertThat(unused.consumers()).isZero();
        assertThat(unused.expiresAt(EXPIRY)).contains(T0.plusSeconds(90));
    }

    @Test
    void refusesToRemoveAConsumerItDoesNotHave() {
        assertThatThrownBy(() -> QueueUsage.declaredAt(T0).consumerRemoved(T0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new QueueUsage(T0, -1)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("consumers must be 0 or more");
    }
}
