package io.eventsource.adapter.mysql;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListShapesTest {
    @Test
    void padsToTheNextPowerOfTwoSoThatFewTextsServeEveryBatchSize() {
        assertThat(ListShapes.padded(1)).isEqualTo(1);
        assertThat(ListShapes.padded(2)).isEqualTo(2);
        assertThat(ListShapes.padded(3)).isEqualTo(4);
        assertThat(ListShapes.padded(4)).isEqualTo(4);
        assertThat(ListShapes.padded(5)).isEqualTo(8);
        assertThat(ListShapes.padded(200)).isEqualTo(256);
        assertThat(ListShapes.padded(1_000)).isEqualTo(1_024);
        Set<Integer> shapes = new HashSet<>();
        for (int count = 1; count <= 1_000; count++) {
            int padded = ListShapes.padded(count);
            assertThat(padded).isGreaterThanOrEqualTo(count).isLessThan(2 * count);
            shapes.add(padded);
        }
        assertThat(shapes).hasSize(11);
    }

    @Test
    void padsWithTheLastEntry() {
        List<String> ids = List.of("a", "b", "c");

        assertThat(ListShapes.at(ids, 0)).isEqualTo("a");
        assertThat(ListShapes.at(ids, 2)).isEqualTo("c");
        assertThat(ListShapes.at(ids, 3)).isEqualTo("c");
        assertThat(ListShapes.placeholders(3)).isEqualTo("?,?,?");
    }

    @Test
    void writesADerivedTableOfPlaceholderRowsForAStatementToJoinItsKeysTo() {
        String identifier = "CONVERT(? USING ascii) COLLATE ascii_bin";
        assertThat(ListShapes.rows(1, "id")).isEqualTo("(SELECT " + identifier + " AS id)");
        assertThat(ListShapes.rows(2, "service", "projection")).isEqualTo("(SELECT " + identifier + " AS service, "
                + identifier + " AS projection UNION ALL SELECT " + identifier + ", " + identifier + ")");
        assertThatThrownBy(() -> ListShapes.rows(0, "id"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 or more rows and columns, got 0 rows of 1 columns");
    }

    @Test
    void refusesAnEmptyList() {
        assertThatThrownBy(() -> ListShapes.padded(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 or more entries, got 0");
    }
}
