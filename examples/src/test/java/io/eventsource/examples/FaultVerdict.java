package io.eventsource.examples;

import io.eventsource.domain.AggregateRef;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What one fault did to the events of its products, per binding, from the handlers and from the ack table, against
 * the event log: lost (never handled, or no ok ack), handled twice, out of order, late (handled more than the
 * recovery bound after the later of the fault's end and the event's occurrence), handled or acked without being in
 * the log; and whether the producer survived: publishes that failed other than as documented, or none sent after
 * the fault. Each problem is one line naming the binding and the events.
 */
final class FaultVerdict {
    private static final int SHOWN = 8;

    private final String fault;
    private final Instant faultEnd;
    private final Duration bound;
    private final int events;
    private final int products;
    private final Map<String, Integer> publishes;
    private final Duration recovery;
    private final String slowest;
    private final boolean recovered;
    private final Map<String, List<String>> problems = new LinkedHashMap<>();

    private FaultVerdict(String fault, Instant faultEnd, Duration bound, int events, int products,
                         Map<String, Integer> publishes, Duration recovery, String slowest, boolean recovered) {
        this.fault = fault;
        this.faultEnd = faultEnd;
        this.bound = bound;
        this.events = events;
        this.products = products;
        this.publishes = publishes;
        this.recovery = recovery;
        this.slowest = slowest;
        this.recovered = recovered;
    }

    /**
     * Judges the fault.
     *
     * @param logged the events of the fault's products in the log (the truth)
     * @param handled what the handlers of the fault's products were handed, in order
     * @param acks the ack table's rows of the fault's products
     * @param outcomes how each publish of the producer ended
     * @param refusal the failures of a publish that its contract documents for this fault (such as the log's
     *                refusal after the publish deadline): counted, not a problem, if nothing of the publish was written
     */
    static FaultVerdict of(String fault, Instant faultEnd, Duration bound, List<String> bindings,
                           List<FaultStack.Logged> logged, List<Handlings.Handling> handled,
                           List<FaultStack.AckRow> acks, List<Traffic.Outcome> outcomes, List<String> overlaps,
                           Predicate<Traffic.Outcome> refusal) {
        Map<String, FaultStack.Logged> byId = new HashMap<>();
        Set<AggregateRef> aggregates = new HashSet<>();
        for (FaultStack.Logged event : logged) {
            byId.put(event.eventId(), event);
            aggregates.add(event.aggregate());
        }
        Map<String, Integer> publishes = new TreeMap<>();
        List<String> failed = new ArrayList<>();
        int startedAfter = 0;
        int sentAfter = 0;
        for (Traffic.Outcome outcome : outcomes) {
            boolean written = byId.containsKey(outcome.eventId());
            boolean refused = outcome.failed() && refusal.test(outcome) && !written;
            String kind = refused ? "refused" : outcome.failed() ? "failed"
                    : outcome.result().startsWith("pending") ? "pending" : "sent";
            publishes.merge(kind, 1, Integer::sum);
            if (outcome.failed() && !refused) {
                failed.add(String.format(Locale.ROOT, "%s of %s after %.1f s: %s (in the log: %s)", outcome.eventId(),
                        outcome.aggregate(), seconds(outcome.took()), outcome.result(), written ? "yes" : "no"));
            }
            if (outcome.started().isAfter(faultEnd)) {
                startedAfter++;
                sentAfter += kind.equals("sent") ? 1 : 0;
            }
        }
        if (startedAfter > 0 && sentAfter == 0) {
            failed.add("none of the " + startedAfter + " publishes made after the fault ended was sent");
        }

        Duration slowest = Duration.ZERO;
        String slowestHandling = "none";
        boolean everyEventHandled = true;
        FaultVerdict verdict;
        List<String> lost = new ArrayList<>();
        List<String> unacked = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        List<String> outOfOrder = new ArrayList<>();
        List<String> late = new ArrayList<>();
        List<String> strangers = new ArrayList<>();
        for (String binding : bindings) {
            String service = binding.substring(0, binding.indexOf('/'));
            Map<String, Handlings.Handling> first = new HashMap<>();
            Map<AggregateRef, List<Long>> sequences = new TreeMap<>(
                    java.util.Comparator.comparing(AggregateRef::toString));
            for (Handlings.Handling handling : handled) {
                if (!handling.service().equals(service)) {
                    continue;
                }
                if (!byId.containsKey(handling.eventId())) {
                    strangers.add(binding + " was handed " + handling + ", which the log does not hold");
                    continue;
                }
                Handlings.Handling earlier = first.putIfAbsent(handling.eventId(), handling);
                if (earlier != null) {
                    twice.add(binding + " handled " + handling.aggregate() + "#" + handling.sequence() + " ("
                            + handling.eventId() + ") again on " + handling.instance() + " "
                            + millisBetween(earlier.at(), handling.at()) + " ms after " + earlier.instance());
                    // a second handling is counted as such, not again as out of order
                    continue;
                }
                sequences.computeIfAbsent(handling.aggregate(), a -> new ArrayList<>()).add(handling.sequence());
            }
            sequences.forEach((aggregate, list) -> {
                for (int i = 1; i < list.size(); i++) {
                    if (list.get(i) <= list.get(i - 1)) {
                        outOfOrder.add(binding + " handled " + aggregate + " in the order " + list);
                        return;
                    }
                }
            });
            for (FaultStack.Logged event : logged) {
                Handlings.Handling handling = first.get(event.eventId());
                if (handling == null) {
                    everyEventHandled = false;
                    lost.add(binding + " never handled " + event);
                    continue;
                }
                Instant from = event.occurredAt().isAfter(faultEnd) ? event.occurredAt() : faultEnd;
                Duration took = Duration.between(from, handling.at());
                if (took.compareTo(slowest) > 0) {
                    slowest = took;
                    slowestHandling = binding + " " + event;
                }
                if (took.compareTo(bound) > 0) {
                    late.add(String.format(Locale.ROOT, "%s handled %s %.1f s after %s", binding, event, seconds(took),
                            from.equals(faultEnd) ? "the fault ended" : "it occurred (after the fault)"));
                }
            }
        }

        Map<String, Map<String, FaultStack.AckRow>> acked = new HashMap<>();
        List<String> ackProblems = new ArrayList<>();
        Map<String, List<FaultStack.AckRow>> ackOrder = new LinkedHashMap<>();
        for (FaultStack.AckRow ack : acks) {
            if (!byId.containsKey(ack.eventId())) {
                strangers.add("the ack table holds " + ack + ", an event the log does not hold");
                continue;
            }
            acked.computeIfAbsent(ack.binding(), b -> new HashMap<>()).put(ack.eventId(), ack);
            if (!ack.status().equals("ok")) {
                ackProblems.add("the ack table holds " + ack);
            } else if (ack.attempts() != 1) {
                twice.add("the ack table says " + ack.binding() + " handled " + ack.aggregate() + "#" + ack.sequence()
                        + " (" + ack.eventId() + ") " + ack.attempts() + " times");
            }
            ackOrder.computeIfAbsent(ack.binding() + " " + ack.aggregate(), k -> new ArrayList<>()).add(ack);
        }
        ackOrder.forEach((key, rows) -> {
            // rows come by sequence: their ack times must rise with it
            for (int i = 1; i < rows.size(); i++) {
                if (rows.get(i).ackedAtNanos() < rows.get(i - 1).ackedAtNanos()) {
                    List<Long> sequencesByAckTime = rows.stream()
                            .sorted(java.util.Comparator.comparingLong(FaultStack.AckRow::ackedAtNanos))
                            .map(FaultStack.AckRow::sequence).toList();
                    outOfOrder.add("the ack table says " + key + " was acked in the order " + sequencesByAckTime);
                    return;
                }
            }
        });
        for (String binding : bindings) {
            Map<String, FaultStack.AckRow> mine = acked.getOrDefault(binding, Map.of());
            for (FaultStack.Logged event : logged) {
                if (!mine.containsKey(event.eventId())) {
                    everyEventHandled = false;
                    unacked.add(binding + " has no ack for " + event);
                }
            }
        }

        verdict = new FaultVerdict(fault, faultEnd, bound, logged.size(), aggregates.size(), publishes, slowest,
                slowestHandling, everyEventHandled);
        verdict.add("lost (never handed to the handler)", lost);
        verdict.add("lost (no ack in the ack table)", unacked);
        verdict.add("handled twice", twice);
        verdict.add("out of order", outOfOrder);
        verdict.add("handled while another event of the aggregate was in progress", overlaps);
        verdict.add("late (handled more than " + bound.toSeconds() + " s after the fault ended)", late);
        verdict.add("not in the log", strangers);
        verdict.add("failed acks", ackProblems);
        verdict.add("publishes that failed (the producer must not die)", failed);
        return verdict;
    }

    /** Adds problems of a kind the verdict does not judge itself (what a fault-specific check found). */
    void add(String kind, List<String> lines) {
        if (!lines.isEmpty()) {
            problems.put(kind, List.copyOf(lines));
        }
    }

    /** The problems by kind; empty when the fault lost, duplicated, disordered and delayed nothing. */
    Map<String, List<String>> problems() {
        return problems;
    }

    /** Whether the fault broke a guarantee. */
    boolean failed() {
        return !problems.isEmpty();
    }

    /**
     * The recovery: the longest any binding took to handle an event, from the fault's end, or from the event's
     * occurrence for an event that occurred after it.
     */
    Duration recovery() {
        return recovery;
    }

    /** One line: the figures of the fault. */
    String summary() {
        return String.format(Locale.ROOT, "%s: %d events over %d products, publishes %s; %s; %s", fault, events,
                products, publishes, recovered ? String.format(Locale.ROOT,
                        "every binding handled every event within %.1f s of the fault's end (the last: %s)",
                        seconds(recovery), slowest)
                        : "NOT every event handled by every binding", failed() ? "problems: " + counts() : "no problem");
    }

    /** The summary and every problem, a few of each kind shown. */
    String report() {
        StringBuilder report = new StringBuilder(summary());
        report.append(String.format(Locale.ROOT, "%n  (fault ended at %s; bound %d s)", faultEnd, bound.toSeconds()));
        problems.forEach((kind, lines) -> {
            report.append(String.format(Locale.ROOT, "%n  %d %s:", lines.size(), kind));
            lines.stream().limit(SHOWN).forEach(line -> report.append(String.format(Locale.ROOT, "%n    %s", line)));
            if (lines.size() > SHOWN) {
                report.append(String.format(Locale.ROOT, "%n    ... and %d more", lines.size() - SHOWN));
            }
        });
        return report.toString();
    }

    private String counts() {
        List<String> counts = new ArrayList<>();
        problems.forEach((kind, lines) -> counts.add(lines.size() + " " + kind));
        return String.join(", ", counts);
    }

    private static long millisBetween(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
