package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadTest {

    @Test
    void isImmutableThroughItsBytes() {
        byte[] bytes = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        Payload payload = new Payload(bytes, Payload.JSON);

        bytes[0] = 'X';
        payload.bytes()[1] = 'Y';

        assertThat(payload.asText()).isEqualTo("{\"a\":1}");
        assertThat(payload.size()).isEqualTo(7);
    }

    @Test
    void equalsByContentTypeAndBytes() {
        assertThat(Payload.json("{}")).isEqualTo(Payload.json("{}")).hasSameHashCodeAs(Payload.json("{}"));
        assertThat(Payload.json("{}")).isNotEqualTo(Payload.text("{}"));
        assertThat(Payload.text("héllo").asText()).isEqualTo("héllo");
        assertThat(Payload.json("{}").toString()).isEqualTo("Payload[application/json, 2 bytes]");
    }

    @Test
    void mayBeEmptyButNotNull() {
        assertThat(new Payload(new byte[0], Payload.TEXT).size()).isZero();
        assertThatThrownBy(() -> new Payload(null, Payload.JSON)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("use an empty array");
    }

    @Test
    void refusesAContentTypeWithSpacesOrTooLong() {
        assertThatThrownBy(() -> new Payload(new byte[0], "application/json; charset=utf-8"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("Payload content type must be 1-100 characters of printable ASCII without spaces");
        assertThatThrownBy(() -> new Payload(new byte[0], "a".repeat(101))).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new Payload(new byte[0], "")).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void itsFactoriesSayWhatTheyNeedInsteadOfFailingInsideTheJdk() {
        assertThatThrownBy(() -> Payload.json(null)).isInstanceOf(InvalidValueException.class)
                .hasMessage("Payload.json needs a JSON document such as \"{}\", got null");
        assertThatThrownBy(() -> Payload.json(" ")).isInstanceOf(InvalidValueException.class)
                .hasMessage("Payload.json needs a JSON document such as \"{}\", got \" \" (blank)");
        assertThatThrownBy(() -> Payload.text(null)).isInstanceOf(InvalidValueException.class)
                .hasMessage("Payload.text needs a text, got null; use \"\" for none");
        assertThat(Payload.text("").size()).isZero();
    }

    @Test
    void refusesTextThatUtf8CannotEncodeRatherThanChangingIt() {
        assertThatThrownBy(() -> Payload.json("{\"a\":\"x\uD800\"}")).isInstanceOf(InvalidValueException.class)
                .hasMessage("Payload.json needs well-formed text, got an unpaired surrogate (\\uD800) at index 7 of 10,"
                        + " which UTF-8 cannot encode");
        assertThatThrownBy(() -> Payload.text("\uDC00")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("(\\uDC00) at index 0 of 1");
        assertThatThrownBy(() -> Payload.text("a\uD83D")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("at index 1 of 2");
        assertThat(Payload.text("\uD83D\uDE00").asText()).isEqualTo("\uD83D\uDE00");
        assertThat(Payload.text("\uD83D\uDE00").size()).as("one code point, four bytes of UTF-8").isEqualTo(4);
    }
}
