package io.eventsource.examples;

import io.eventsource.domain.AggregateRef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fault suite's judge finds each kind of broken guarantee, so that a fault test can fail. */
class FaultVerdictTest {
    private static final Instant FAULT_END = Instant.parse("2030-01-01T00:00:10Z");
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final AggregateRef P1 = AggregateRef.of("Product", "t-1");
    private static final List<String> BINDINGS = List.of("ads/projections");

    private final List<FaultStack.Logged> log = List.of(
            new FaultStack.Logged("e1", P1, 1, FAULT_END.minusSeconds(5)),
            new FaultStack.Logged("e2", P1, 2, FAULT_END.minusSeconds(4)),
            new FaultStack.Logged("e3", P1, 3, FAULT_END.minusSeconds(3)));

    @Test
    void findsNoProblemWhenEveryEventIsHandledOnceInOrderInTime() {
        FaultVerdict verdict = judge(handled("e1", 1, 1, "e2", 2, 2, "e3", 3, 3), acks("e1", 1, "e2", 2, "e3", 3));

        assertThat(verdict.problems()).isEmpty();
        assertThat(verdict.recovery()).isEqualTo(Duration.ofSeconds(3));
        assertThat(verdict.summary()).contains("every binding handled every event within 3.0 s of the fault's end");
    }

    @Test
    void namesWhatWasLostTwiceOutOfOrderLateAndForeign() {
        List<Handlings.Handling> handled = handled("e1", 1, 1, "e3", 3, 2, "e1", 1, 3, "x9", 9, 4);
        handled.add(new Handlings.Handling("ads", "ads#1", "e2", P1, 2, FAULT_END.plusSeconds(12)));
        List<FaultStack.AckRow> acks = acks("e1", 1, "e3", 3);
        acks.add(new FaultStack.AckRow("x9", "ads/projections", "ok", 1, P1, 9, 9));

        FaultVerdict verdict = judge(handled, acks);

        assertThat(verdict.problems()).containsOnlyKeys("lost (no ack in the ack table)", "handled twice",
                "out of order", "late (handled more than 10 s after the fault ended)", "not in the log");
        assertThat(verdict.problems().get("lost (no ack in the ack table)"))
                .containsExactly("ads/projections has no ack for Product-t-1#2 (e2)");
        assertThat(verdict.problems().get("handled twice").get(0))
                .startsWith("ads/projections handled Product-t-1#1 (e1) again on ads#1");
        assertThat(verdict.problems().get("out of order"))
                .containsExactly("ads/projections handled Product-t-1 in the order [1, 3, 2]");
        assertThat(verdict.problems().get("late (handled more than 10 s after the fault ended)"))
                .containsExactly("ads/projections handled Product-t-1#2 (e2) 12.0 s after the fault ended");
        assertThat(verdict.problems().get("not in the log")).hasSize(2);
        assertThat(verdict.failed()).isTrue();
        assertThat(verdict.report()).contains("1 handled twice", "ads/projections has no ack for Product-t-1#2 (e2)");
    }

    @Test
    void reportsAnEventNeverHandledAsLostAndNotAsRecovered() {
        FaultVerdict verdict = judge(handled("e1", 1, 1, "e2", 2, 1), acks("e1", 1, "e2", 2));

        assertThat(verdict.problems().get("lost (never handed to the handler)"))
                .containsExactly("ads/projections never handled Product-t-1#3 (e3)");
        assertThat(verdict.problems().get("lost (no ack in the ack table)"))
                .containsExactly("ads/projections has no ack for Product-t-1#3 (e3)");
        assertThat(verdict.summary()).contains("NOT every event handled by every binding");
    }

    @Test
    void countsFailedAcksRetriedAcksAndPublishesThatFailed() {
        List<FaultStack.AckRow> acks = acks("e1", 1, "e2", 2);
        acks.add(new FaultStack.AckRow("e3", "ads/projections", "fail", 5, P1, 3, 3));
        List<FaultStack.AckRow> retried = new ArrayList<>();
        for (FaultStack.AckRow ack : acks) {
            retried.add(ack.eventId().equals("e2") ? new FaultStack.AckRow("e2", ack.binding(), "ok", 2, P1, 2, 2)
                    : ack);
        }
        List<Traffic.Outcome> outcomes = List.of(new Traffic.Outcome("e4", P1, FAULT_END, FAULT_END.plusSeconds(10),
                "io.eventsource.ports.TransientPortException: down", true));

        FaultVerdict verdict = FaultVerdict.of("test", FAULT_END, BOUND, BINDINGS, log,
                handled("e1", 1, 1, "e2", 2, 2, "e3", 3, 3), retried, outcomes, List.of(), outcome -> false);

        assertThat(verdict.problems().get("failed acks")).containsExactly(
                "the ack table holds ads/projections fail Product-t-1#3 (e3, 5 attempt(s))");
        assertThat(verdict.problems().get("handled twice")).containsExactly(
                "the ack table says ads/projections handled Product-t-1#2 (e2) 2 times");
        assertThat(verdict.problems().get("publishes that failed (the producer must not die)")).containsExactly(
                "e4 of Product-t-1 after 10.0 s: io.eventsource.ports.TransientPortException: down (in the log: no)");
    }

    @Test
    void acceptsADocumentedRefusalThatWroteNothingButNotAProducerThatSendsNothingAfterTheFault() {
        List<Traffic.Outcome> outcomes = List.of(
                new Traffic.Outcome("e9", P1, FAULT_END.minusSeconds(9), FAULT_END.plusSeconds(1),
                        "io.eventsource.core.EventLogUnavailableException: nothing was written", true),
                new Traffic.Outcome("e3", P1, FAULT_END.minusSeconds(3), FAULT_END.plusSeconds(1),
                        "io.eventsource.core.EventLogUnavailableException: nothing was written", true),
                new Traffic.Outcome("e10", P1, FAULT_END.plusSeconds(1), FAULT_END.plusSeconds(2), "pending: down",
                        false));

        FaultVerdict verdict = FaultVerdict.of("test", FAULT_END, BOUND, BINDINGS, log,
                handled("e1", 1, 1, "e2", 2, 2, "e3", 3, 3), acks("e1", 1, "e2", 2, "e3", 3), outcomes, List.of(),
                outcome -> outcome.result().startsWith("io.eventsource.core.EventLogUnavailableException"));

        assertThat(verdict.problems()).containsOnlyKeys("publishes that failed (the producer must not die)");
        assertThat(verdict.problems().get("publishes that failed (the producer must not die)")).containsExactly(
                "e3 of Product-t-1 after 4.0 s: io.eventsource.core.EventLogUnavailableException: nothing was written"
                        + " (in the log: yes)",
                "none of the 1 publishes made after the fault ended was sent");
        assertThat(verdict.summary()).contains("refused=1");
    }

    private FaultVerdict judge(List<Handlings.Handling> handled, List<FaultStack.AckRow> acks) {
        return FaultVerdict.of("test", FAULT_END, BOUND, BINDINGS, log, handled, acks, List.of(), List.of(),
                outcome -> false);
    }

    /** (event id, sequence, seconds after the fault's end) triples, handled by ads in this order. */
    private static List<Handlings.Handling> handled(Object... triples) {
        List<Handlings.Handling> handled = new ArrayList<>();
        for (int i = 0; i < triples.length; i += 3) {
            handled.add(new Handlings.Handling("ads", "ads#1", (String) triples[i], P1, (Integer) triples[i + 1],
                    FAULT_END.plusSeconds((Integer) triples[i + 2])));
        }
        return handled;
    }

    /** (event id, sequence) pairs acked ok once, in sequence order. */
    private static List<FaultStack.AckRow> acks(Object... pairs) {
        List<FaultStack.AckRow> acks = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            int sequence = (Integer) pairs[i + 1];
            acks.add(new FaultStack.AckRow((String) pairs[i], "ads/projections", "ok", 1, P1, sequence, sequence));
        }
        return acks;
    }
}
