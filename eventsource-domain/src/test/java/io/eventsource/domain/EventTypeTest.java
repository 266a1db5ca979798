package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTypeTest {
    record OrderPaid(String orderId) {
    }

    @EventType("PaymentReceived")
    record Paid(String orderId) {
    }

    @EventType(version = 3)
    record OrderShipped(String orderId) {
    }

    @EventType("not a name")
    record Misnamed() {
    }

    @Test
    void anEventClassIsNamedBySimpleNameUnlessItsAnnotationNamesIt() {
        assertThat(EventName.of(OrderPaid.class)).isEqualTo(EventName.of("OrderPaid"));
        assertThat(EventName.of(Paid.class)).isEqualTo(EventName.of("PaymentReceived"));
        assertThat(EventName.of(OrderShipped.class)).as("an annotation with only a version keeps the simple name")
                .isEqualTo(EventName.of("OrderShipped"));
    }

    @Test
    void aClassWithoutAUsableNameIsRefusedNamingTheClass() {
        Object anonymous = new Object() { };

        assertThatThrownBy(() -> EventName.of(anonymous.getClass())).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(anonymous.getClass().getName()).hasMessageContaining("its simple name")
                .hasMessageContaining("@EventType");
        assertThatThrownBy(() -> EventName.of(Misnamed.class)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(Misnamed.class.getName()).hasMessageContaining("its @EventType value")
                .hasMessageContaining("\"not a name\"");
    }
}
