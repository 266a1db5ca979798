package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadLimitTest {
    private static final AggregateRef PRODUCT = AggregateRef.of("Product", "42");

    private static NewEvent eventOf(int bytes) {
        return new NewEvent(EventId.of("e-1"), EventName.of("Imported"), new Payload(new byte[bytes], "application/pdf"),
                Map.of(), Instant.parse("2030-01-01T00:00:00Z"));
    }

    @Test
    void isOneMebibyteByDefault() {
        assertThat(PayloadLimit.DEFAULT.bytes()).isEqualTo(1_048_576);
        assertThat(PayloadLimit.fromEnvironment(Map.of())).isEqualTo(PayloadLimit.DEFAULT);
        assertThat(PayloadLimit.fromEnvironment(Map.of(PayloadLimit.VARIABLE, " "))).isEqualTo(PayloadLimit.DEFAULT);
    }

    @Test
    void admitsAPayloadOfExactlyTheLimitAndRefusesOneByteMoreNamingTheEventItsSizeAndTheLimit() {
        PayloadLimit limit = PayloadLimit.ofBytes(1_000);
        limit.check(PRODUCT, eventOf(1_000), "EventsourceOptions.payloadLimit");

        assertThatThrownBy(() -> limit.check(PRODUCT, eventOf(1_001), "EventsourceOptions.payloadLimit"))
                .isInstanceOfSatisfying(PayloadTooLargeException.class, refused -> {
                    assertThat(refused.eventId()).isEqualTo(EventId.of("e-1"));
                    assertThat(refused.size()).isEqualTo(1_001);
                    assertThat(refused.limit()).isEqualTo(1_000);
                })
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("Event payload of Imported e-1 for Product-42 is 1001 bytes, over the limit of 1000 bytes"
                        + " (EventsourceOptions.payloadLimit, EVENTSOURCE_MAX_PAYLOAD_BYTES); nothing was written: keep"
                        + " large bodies elsewhere and put a reference in the event");
    }

    @Test
    void refusesALoggedEventBeforeItIsSentSayingSo() {
        Event logged = eventOf(2_000).at(PRODUCT, 3);

        assertThatThrownBy(() -> PayloadLimit.ofBytes(1_000).check(logged, "RabbitMqSettings.payloadLimit"))
                .isInstanceOf(PayloadTooLargeException.class)
                .hasMessage("Event payload of Imported e-1 for Product-42 is 2000 bytes, over the limit of 1000 bytes"
                        + " (RabbitMqSettings.payloadLimit, EVENTSOURCE_MAX_PAYLOAD_BYTES); it was not sent: keep large"
                        + " bodies elsewhere and put a reference in the event");
        PayloadLimit.ofBytes(2_000).check(logged, "RabbitMqSettings.payloadLimit");
    }

    @Test
    void readsItsVariable() {
        assertThat(PayloadLimit.fromEnvironment(Map.of(PayloadLimit.VARIABLE, "2097152")).bytes()).isEqualTo(2_097_152);
        assertThat(PayloadLimit.fromEnvironment(Map.of(PayloadLimit.VARIABLE, " 1 ")).bytes()).isEqualTo(1);
    }

    @Test
    void refusesAVariableThatIsNoWholeNumberOfBytesNamingIt() {
        for (String bad : new String[] {"1MiB", "0", "-5", "1.5", "99999999999", "1e6"}) {
            assertThatThrownBy(() -> PayloadLimit.fromEnvironment(Map.of(PayloadLimit.VARIABLE, bad)))
                    .isInstanceOf(InvalidValueException.class)
                    .hasMessage("EVENTSOURCE_MAX_PAYLOAD_BYTES must be a whole number of bytes from 1 to 2147483647,"
                            + " such as 1048576 (1 MiB), got \"" + bad + "\"");
        }
        assertThatThrownBy(() -> PayloadLimit.ofBytes(0)).isInstanceOf(InvalidValueException.class)
                .hasMessage("PayloadLimit must be 1 byte or more, got 0");
    }
}
