package io.eventsource.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoTest {

    @Test
    void everyServiceProjectsEveryEventAndEveryAckIsOk() {
        Demo.Result result;
        try (DemoStack stack = DemoStack.open("inmemory")) {
            result = new Demo(stack).run();
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        result.print(new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(result.allOk()).isTrue();
        assertThat(result.acks().ok()).isEqualTo(300 * 3);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("products", "ads", "api-legacy", "ok 900, fail 0, missing 0", "every binding handled every event ok");
    }

    @Test
    void namesTheKnownCompositionsWhenGivenAnUnknownOne() {
        assertThatThrownBy(() -> DemoStack.open("rabbitmq-on-mars"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("known: [inmemory]");
    }
}
