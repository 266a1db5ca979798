package io.eventsource.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableTest {

    private static String print(Table table) {
        StringWriter out = new StringWriter();
        table.print(new PrintWriter(out, true));
        return out.toString();
    }

    @Test
    void alignsColumnsToTheirWidestCellAndKeepsEachRowOnOneLine() {
        Table table = new Table("TYPE", "LAG", "LAST ERROR")
                .row("Product", 151, "boom:\n\tat Handler.java:3")
                .row("Cart", 0, "");

        assertThat(print(table)).isEqualTo("""
                TYPE     LAG  LAST ERROR
                Product  151  boom: at Handler.java:3
                Cart     0
                """);
    }

    @Test
    void saysNoneWithoutRows() {
        assertThat(print(new Table("AT", "TYPE"))).isEqualTo("AT  TYPE\n(none)\n");
    }

    @Test
    void refusesARowOfAnotherWidth() {
        assertThatThrownBy(() -> new Table("A", "B").row("only one"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 2 cells, got 1");
    }

    @Test
    void printsAgesAsAnOperatorReadsThem() {
        assertThat(Table.age(Duration.ZERO)).isEqualTo("0s");
        assertThat(Table.age(Duration.ofMillis(59_999))).isEqualTo("59s");
        assertThat(Table.age(Duration.ofSeconds(95))).isEqualTo("1m 35s");
        assertThat(Table.age(Duration.ofSeconds(3600 + 5 * 60 + 9))).isEqualTo("1h 05m");
        assertThat(Table.age(Duration.ofHours(76))).isEqualTo("3d 04h");
    }
}
