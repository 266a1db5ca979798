package io.eventsource.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AggregateTypeTest {

    @Test
    void refusesATypeWhoseQueuesWouldTakeAnotherTypesAnnouncementNames() {
        assertThatThrownBy(() -> AggregateType.of("ProductAggregateIds"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("must not end in \"AggregateIds\"")
                .hasMessageContaining("announcement queues of type \"Product\"");
    }

    @Test
    void acceptsTypesThatOnlyContainTheSuffixElsewhere() {
        assertThat(AggregateType.of("AggregateIdsLedger").value()).isEqualTo("AggregateIdsLedger");
        assertThat(AggregateType.of("ProductAggregateId").value()).isEqualTo("ProductAggregateId");
    }
}
