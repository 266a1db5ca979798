package io.eventsource.adapter.rabbitmq;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UntrustedTest {

    @Test
    void keepsPlainTextAsItIs() {
        assertThat(Untrusted.text("Product-42 \"ProductRenamed\" ünïcödé 😀")).isEqualTo("Product-42 \"ProductRenamed\" ünïcödé 😀");
        assertThat(Untrusted.text(null)).isEqualTo("null");
        assertThat(Untrusted.text(42)).isEqualTo("42");
    }

    @Test
    void escapesWhatCouldForgeOrHideALogLine() {
        String forged = "1\n2024-01-01 INFO all good\r\tx\u001b[31mred\u0000\u007f\u0085\u2028\u2029\u202eevil\u2066";

        String escaped = Untrusted.text(forged);

        assertThat(escaped).isEqualTo("1\\n2024-01-01 INFO all good\\r\\tx\\u001b[31mred\\u0000\\u007f\\u0085\\u2028"
                + "\\u2029\\u202eevil\\u2066");
        assertThat(escaped.chars()).noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    @Test
    void cutsLongTextAndSaysHowMuchItLeftOut() {
        String escaped = Untrusted.text("a".repeat(1_000));

        assertThat(escaped).startsWith("a".repeat(Untrusted.MAX_LENGTH)).endsWith("...(800 more characters)");
        assertThat(Untrusted.text("\n".repeat(1_000), 10)).isEqualTo("\\n".repeat(5) + "...(995 more characters)");
    }

    @Test
    void neverCutsASurrogatePairInTwo() {
        String escaped = Untrusted.text("abc😀😀", 4);

        assertThat(escaped).isEqualTo("abc😀...(2 more characters)");
    }
}
