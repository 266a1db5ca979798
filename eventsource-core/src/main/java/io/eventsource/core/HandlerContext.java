package io.eventsource.core;

import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import org.slf4j.MDC;

/**
 * Runs one attempt of a handler inside its event's context: the event's trace made current by the
 * {@link EventTracing}, and the event's id, aggregate and binding, with its {@code traceparent} and
 * {@code tracestate} when it carries them, in the SLF4J MDC. Both are undone when the handler returns or throws: the
 * MDC entries the thread had before are put back, so a handler that runs on the publisher's thread (on a virtual
 * clock) leaves the caller's MDC as it was.
 */
final class HandlerContext {

    private static final String[] KEYS = {EventTracing.MDC_EVENT, EventTracing.MDC_AGGREGATE,
            EventTracing.MDC_BINDING, EventTracing.TRACEPARENT, EventTracing.TRACESTATE};

    private HandlerContext() {
    }

    /** Runs {@code handler} on {@code event} for {@code binding} in the event's context; what it throws, it throws. */
    static void run(EventHandler handler, Event event, Binding binding, EventTracing tracing) throws Exception {
        String[] before = new String[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            before[i] = MDC.get(KEYS[i]);
        }
        String[] values = {event.id().toString(), event.aggregate().toString(), binding.toString(),
                event.metadata().get(EventTracing.TRACEPARENT), event.metadata().get(EventTracing.TRACESTATE)};
        try (EventTracing.Scope scope = tracing.restore(event, binding)) {
            for (int i = 0; i < KEYS.length; i++) {
                put(KEYS[i], values[i]);
            }
            try {
                handler.handle(event);
            } catch (Throwable failure) {
                scope.failed(failure);
                throw failure;
            }
        } finally {
            for (int i = 0; i < KEYS.length; i++) {
                put(KEYS[i], before[i]);
            }
        }
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
