package io.eventsource.adapter.rabbitmq;

import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.ServiceName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker's replies below are as RabbitMQ 3.10 sent them (the last one cut at 255 bytes by the protocol). */
class QueueArgumentsTest {

    @Test
    void anAggregateQueueCarriesItsServiceAndNamespaceInArgumentsTheBrokerCompares() {
        QueueArguments arguments = new QueueArguments(Namespace.of("staging."), ExpiryPolicy.SEED, 10_000);

        assertThat(arguments.aggregateQueue(ServiceName.of("api-legacy"))).isEqualTo(Map.of(
                "x-expires", 30_000, "x-single-active-consumer", true,
                "x-dead-letter-exchange", "staging.eventsourceRejected", "x-dead-letter-routing-key", "api-legacy"));
        assertThat(arguments.announcementQueue()).isEqualTo(Map.of("x-max-length", 10_000, "x-overflow", "drop-head"));
    }

    @Test
    void aPartitionQueueCarriesItsServiceNamespaceAndItsTopologysExpiryAsAnIntWhereItFits() {
        QueueArguments arguments = new QueueArguments(Namespace.of("staging."), ExpiryPolicy.SEED, 10_000);

        assertThat(arguments.partitionQueue(ServiceName.of("ads"), Duration.ofDays(1))).isEqualTo(Map.of(
                "x-expires", 86_400_000, "x-single-active-consumer", true,
                "x-dead-letter-exchange", "staging.eventsourceRejected", "x-dead-letter-routing-key", "ads"));
        assertThat(arguments.partitionQueue(ServiceName.of("ads"), Duration.ofDays(365)).get("x-expires"))
                .isEqualTo(31_536_000_000L);
    }

    @Test
    void readsWhatTheQueueHoldsFromAnInequivalentArgument() {
        Optional<QueueArguments.Inequivalence> why = QueueArguments.parse("PRECONDITION_FAILED - inequivalent arg "
                + "'x-dead-letter-routing-key' for queue 'Product-x-api-legacy' in vhost '/': received 'api-legacy' but "
                + "current is 'legacy'");

        assertThat(why).contains(new QueueArguments.Inequivalence("x-dead-letter-routing-key", Optional.of("api-legacy"),
                Optional.of("legacy"), false));
        assertThat(why.get().currentIsNone()).isFalse();
    }

    @Test
    void tellsAQueueWithoutTheArgumentFromOneWithAnother() {
        QueueArguments.Inequivalence none = QueueArguments.parse("PRECONDITION_FAILED - inequivalent arg 'x-max-length' "
                + "for queue 'q' in vhost 'a:b': received the value '10' of type 'signedint' but current is none")
                .orElseThrow();
        QueueArguments.Inequivalence typed = QueueArguments.parse("PRECONDITION_FAILED - inequivalent arg "
                + "'x-dead-letter-exchange' for queue 'q' in vhost '/': received none but current is the value '' of "
                + "type 'longstr'").orElseThrow();

        assertThat(none).isEqualTo(new QueueArguments.Inequivalence("x-max-length", Optional.of("10"), Optional.empty(),
                false));
        assertThat(none.currentIsNone()).isTrue();
        assertThat(typed.received()).isEmpty();
        assertThat(typed.current()).contains("");
        assertThat(typed.currentIsNone()).isFalse();
    }

    @Test
    void aReplyCutShortNamesNoCurrentValueAndIsNotTakenForNone() {
        QueueArguments.Inequivalence cut = QueueArguments.parse("PRECONDITION_FAILED - inequivalent arg "
                + "'x-dead-letter-routing-key' for queue 'it-1234abcd.Product-02394624-36de-4aba-8760-356d3182d69a-api-"
                + "legacy' in vhost '/': received 'Product|02394624-36de-4aba-8760-356d3182d69a|api-legacy' but current "
                + "is 'Product|...").orElseThrow();

        assertThat(cut.argument()).isEqualTo("x-dead-letter-routing-key");
        assertThat(cut.current()).isEmpty();
        assertThat(cut.cut()).isTrue();
        assertThat(cut.currentIsNone()).isFalse();
    }

    @Test
    void otherRefusalsAreNotInequivalentArguments() {
        assertThat(QueueArguments.parse("PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q'")).isEmpty();
        assertThat(QueueArguments.parse("NOT_FOUND - no queue 'q' in vhost '/'")).isEmpty();
        assertThat(QueueArguments.parse(null)).isEmpty();
    }
}
