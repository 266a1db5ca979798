package com.example.orders;

import io.eventsource.adapter.inmemory.VirtualScheduler;
import io.eventsource.core.Publication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderPlacedTest {
    private final OrdersApp app = OrdersApp.create();
    private final VirtualScheduler clock = app.clock();

    @AfterEach
    void stop() {
        app.eventsource().stop();
        clock.advanceBy(Duration.ofSeconds(1));
    }

    @Test
    void billingAndShippingEachHandleThePlacedOrder() {
        Billing billing = Billing.start(app.eventsource());
        Shipping shipping = Shipping.start(app.eventsource());
        // the listeners register in the registry and declare their announcement queues
        clock.advanceBy(Duration.ofMillis(200));

        Publication sent = new Orders(app.eventsource().publisher()).place("42", "{\"total\":1299}");
        clock.advanceBy(Duration.ofSeconds(1));

        assertTrue(sent.isSent(), () -> "published to the live services, got " + sent);
        assertEquals(List.of("42"), billing.invoiced());
        assertEquals(List.of("42"), shipping.shipped());
    }

    @Test
    void testsRunInsideTheNamedModule() {
        // surefire patches the tests into com.example.orders on the module path: a missing requires fails here
        assertEquals("com.example.orders", OrderPlacedTest.class.getModule().getName());
        assertEquals("io.eventsource.core", app.eventsource().getClass().getModule().getName());
    }
}
