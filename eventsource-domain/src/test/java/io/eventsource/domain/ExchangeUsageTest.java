package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExchangeUsageTest {

    @Test
    void anAutoDeleteExchangeGoesWithItsLastQueue() {
        ExchangeUsage twoQueues = ExchangeUsage.declared(true).queueBound().queueBound();

        ExchangeUsage oneLeft = twoQueues.queueUnbound();
        assertThat(oneLeft.deletedAfterUnbind()).isFalse();
        assertThat(oneLeft.queueUnbound().deletedAfterUnbind()).isTrue();
    }

    @Test
    void aDurableExchangeStaysWithoutQueues() {
        assertThat(ExchangeUsage.declared(false).queueBound().queueUnbound().deletedAfterUnbind()).isFalse();
    }

    @Test
    void refusesToUnbindAQueueItDoesNotHave() {
        assertThatThrownBy(() -> ExchangeUsage.declared(true).queueUnbound()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ExchangeUsage(true, -1)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("boundQueues must be 0 or more");
    }
}
