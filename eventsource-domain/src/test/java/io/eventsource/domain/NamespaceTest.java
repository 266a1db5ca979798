package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamespaceTest {

    @Test
    void acceptsLowerCaseNamesEndedByOneDot() {
        assertThat(Namespace.of("staging.").prefix()).isEqualTo("staging.");
        assertThat(Namespace.of("iso_a.").prefix()).isEqualTo("iso_a.");
        assertThat(Namespace.of("it_1234abcd.").prefix()).isEqualTo("it_1234abcd.");
        assertThat(Namespace.of("a.").prefix()).isEqualTo("a.");
        assertThat(Namespace.of("n".repeat(Namespace.MAX_NAME_LENGTH) + ".").prefix()).hasSize(37);
    }

    @Test
    void noneIsTheEmptyPrefix() {
        assertThat(Namespace.of(null)).isEqualTo(Namespace.NONE);
        assertThat(Namespace.of("")).isEqualTo(Namespace.NONE);
        assertThat(Namespace.parse(null)).isEqualTo(Namespace.NONE);
        assertThat(Namespace.parse("  ")).isEqualTo(Namespace.NONE);
        assertThat(Namespace.parse(" staging. ")).isEqualTo(Namespace.of("staging."));
        assertThat(Namespace.NONE).hasToString("(no namespace)");
    }

    @Test
    void refusesANamespaceWithAnInnerDotSuggestingTheOneThatHadItsTables() {
        assertThatThrownBy(() -> Namespace.of("iso.a."))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("Namespace must be 1-36 characters of [a-z0-9_] starting with a letter, then"
                        + " one '.' that ends it, such as \"staging.\", got \"iso.a.\"; did you mean \"iso_a.\"?")
                .hasMessageContaining("two namespaces could share a queue, a Redis key or a table");
    }

    @Test
    void refusesTheFormsTheEarlierRuleAllowedSuggestingTheValidOne() {
        expectSuggestion("staging", "staging.");
        expectSuggestion("Staging.", "staging.");
        expectSuggestion("it-1234abcd.", "it_1234abcd.");
        expectSuggestion("a:b.", "a_b.");
        expectSuggestion("A.B", "a_b.");
        expectSuggestion("Team-A:it", "team_a_it.");
        expectSuggestion("shop-x.", "shop_x.");
        expectSuggestion("ns_", "ns.");
        expectSuggestion(" staging.", "staging.");
    }

    @Test
    void refusesWithoutASuggestionWhatCannotBeMadeValidByPunctuationOrCase() {
        for (String refused : new String[] {"1st.", "_x.", ".", "..", "n".repeat(37) + ".", "é."}) {
            assertThatThrownBy(() -> Namespace.of(refused)).as(refused)
                    .isInstanceOf(InvalidValueException.class)
                    .hasMessageContaining("such as \"staging.\"")
                    .hasMessageNotContaining("did you mean");
        }
        assertThatThrownBy(() -> Namespace.of("n".repeat(37) + "."))
                .hasMessageContaining("(38 characters)");
        assertThatThrownBy(() -> new Namespace(null)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("got null");
    }

    @Test
    void theTablesOfANamespaceEndInEsAfterItsNameAndTheTablesOfNoneAreTheSeeds() {
        assertThat(Namespace.of("staging.").tablePrefix()).isEqualTo("staging_es_");
        assertThat(Namespace.of("iso_a.").tablePrefix()).isEqualTo("iso_a_es_");
        assertThat(Namespace.of("es.").tablePrefix()).isEqualTo("es_es_");
        assertThat(Namespace.NONE.tablePrefix()).isEqualTo("es_");
        assertThat(Namespace.of("n".repeat(Namespace.MAX_NAME_LENGTH) + ".").tablePrefix()).hasSize(40);
    }

    @Test
    void aNamespacedNameIsTheNamespaceThenTheName() {
        Topology staging = Topology.of(Namespace.of("shop."));

        assertThat(staging.announcementExchange(AggregateType.of("Product")).value()).isEqualTo("shop.ProductAggregateIds");
        assertThat(Topology.of(Namespace.NONE).announcementExchange(AggregateType.of("shopProduct")).value())
                .isEqualTo("shopProductAggregateIds");
    }

    private static void expectSuggestion(String refused, String suggestion) {
        assertThatThrownBy(() -> Namespace.of(refused)).as(refused)
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("did you mean \"" + suggestion + "\"?");
        assertThat(Namespace.of(suggestion).prefix()).isEqualTo(suggestion);
    }
}
