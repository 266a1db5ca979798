package io.eventsource.adapter.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;
import io.eventsource.domain.ExpiryPolicy;
import io.eventsource.domain.Namespace;
import io.eventsource.domain.ServiceName;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arguments our queues are declared with, and how to read the broker's refusal of them.
 *
 * <p>An aggregate queue carries the binding it belongs to, so that two bindings that spell one queue name
 * ({@code Product-x-api} for {@code legacy}, {@code Product-x} for {@code api-legacy}) cannot share it silently. The
 * broker compares only the arguments it knows on a redeclare (a custom {@code x-eventsource-route} with another value
 * is accepted without a word: measured on RabbitMQ 3.10), so the binding rides on two that it compares:
 * {@code x-dead-letter-exchange} = {@code {ns}eventsourceRejected} (the namespace) and
 * {@code x-dead-letter-routing-key} = the service. Within a namespace the service is enough: aggregate types hold no
 * {@code -}, so the queue name without {@code -{service}} is the aggregate. It is also short, so that the broker's
 * reply, cut at 255 bytes, still quotes the value the queue holds. And it means something: a message the bus rejects
 * (malformed, or refused by the log) is dead-lettered to {@code {ns}eventsourceRejected} with its service as routing
 * key; with no such exchange, the broker drops it as before, and an operator who wants them declares it.
 *
 * <p>A partition queue carries its binding the same way (the namespace and the service; its name holds the type and
 * the partition), with single active consumer and its topology's own {@code x-expires}.
 *
 * <p>An announcement queue is bounded: {@code x-max-length} with overflow {@code drop-head}.
 */
final class QueueArguments {
    static final String EXPIRES = "x-expires";
    static final String SINGLE_ACTIVE_CONSUMER = "x-single-active-consumer";
    static final String DEAD_LETTER_EXCHANGE = "x-dead-letter-exchange";
    static final String DEAD_LETTER_ROUTING_KEY = "x-dead-letter-routing-key";
    static final String MAX_LENGTH = "x-max-length";
    static final String OVERFLOW = "x-overflow";
    static final String REJECTED_EXCHANGE = "eventsourceRejected";
    private static final String DROP_HEAD = "drop-head";
    private static final String VALUE = "(none|'[^']*'|the value '[^']*' of type '[^']*')";
    private static final Pattern INEQUIVALENT = Pattern.compile(
            "inequivalent arg '([^']+)' for .*?: received " + VALUE + " but current is " + VALUE);
    private static final Pattern INEQUIVALENT_CUT = Pattern.compile(
            "inequivalent arg '([^']+)' for .*?: received " + VALUE);
    private static final Pattern QUOTED = Pattern.compile("(?:the value )?'([^']*)'(?: of type '[^']*')?");

    private final Object expires;
    private final String rejectedExchange;
    private final Map<String, Object> announcementQueue;

    QueueArguments(Namespace namespace, ExpiryPolicy expiry, int announcementMaxLength) {
        this.expires = expires(expiry.queueExpiry());
        this.rejectedExchange = namespace.apply(REJECTED_EXCHANGE);
        this.announcementQueue = Map.of(MAX_LENGTH, announcementMaxLength, OVERFLOW, DROP_HEAD);
    }

    /** {@code x-expires}, single active consumer, and the binding: dead-letter exchange and service. */
    Map<String, Object> aggregateQueue(ServiceName service) {
        return Map.of(EXPIRES, expires, SINGLE_ACTIVE_CONSUMER, true, DEAD_LETTER_EXCHANGE, rejectedExchange,
                DEAD_LETTER_ROUTING_KEY, service.value());
    }

    /** {@code x-expires} of the partitioned topology, single active consumer, and the binding as above. */
    Map<String, Object> partitionQueue(ServiceName service, Duration queueExpiry) {
        return Map.of(EXPIRES, expires(queueExpiry), SINGLE_ACTIVE_CONSUMER, true, DEAD_LETTER_EXCHANGE,
                rejectedExchange, DEAD_LETTER_ROUTING_KEY, service.value());
    }

    private static Object expires(Duration expiry) {
        long millis = expiry.toMillis();
        // an int where it fits: RabbitMQ compares argument types on redeclare, and other clients send an int
        return millis <= Integer.MAX_VALUE ? (Object) (int) millis : (Object) millis;
    }

    Map<String, Object> announcementQueue() {
        return announcementQueue;
    }

    /** Where the aggregate queues of this namespace dead-letter what the bus rejects. */
    String rejectedExchange() {
        return rejectedExchange;
    }

    /** The broker's reason for refusing a redeclaration: which argument, what we sent, what the queue holds. */
    record Inequivalence(String argument, Optional<String> received, Optional<String> current, boolean cut) {
        /** Whether the queue has no such argument: declared before it existed, by an earlier version. */
        boolean currentIsNone() {
            return current.isEmpty() && !cut;
        }
    }

    /**
     * The inequivalent argument behind a 406 PRECONDITION_FAILED, read from the broker's reply text (the only place
     * AMQP tells it). The text is cut at 255 bytes, so the value the queue holds, last in the text, may be missing:
     * then {@link Inequivalence#cut()} is true.
     */
    static Optional<Inequivalence> inequivalence(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException) {
                Method reason = ((ShutdownSignalException) t).getReason() instanceof Method
                        ? (Method) ((ShutdownSignalException) t).getReason() : null;
                if (reason instanceof AMQP.Channel.Close
                        && ((AMQP.Channel.Close) reason).getReplyCode() == AMQP.PRECONDITION_FAILED) {
                    return parse(((AMQP.Channel.Close) reason).getReplyText());
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    static Optional<Inequivalence> parse(String replyText) {
        if (replyText == null) {
            return Optional.empty();
        }
        Matcher matcher = INEQUIVALENT.matcher(replyText);
        if (matcher.find()) {
            return Optional.of(new Inequivalence(matcher.group(1), value(matcher.group(2)), value(matcher.group(3)),
                    false));
        }
        // cut short: the argument and what we sent are there, what the queue holds is not
        Matcher cut = INEQUIVALENT_CUT.matcher(replyText);
        if (cut.find()) {
            return Optional.of(new Inequivalence(cut.group(1), value(cut.group(2)), Optional.empty(), true));
        }
        return Optional.empty();
    }

    private static Optional<String> value(String text) {
        Matcher quoted = QUOTED.matcher(text);
        return quoted.matches() ? Optional.of(quoted.group(1)) : Optional.empty();
    }
}
