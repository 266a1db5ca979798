package io.eventsource.core;

import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;

import java.util.Map;

/**
 * Carries a trace from the producer to the handlers: when an event is published, the current trace context is
 * written into its metadata ({@link #capture()}); when a binding handles it, the context is made current around the
 * handler ({@link #restore}). The W3C Trace Context entries are {@value #TRACEPARENT} and {@value #TRACESTATE}. Give
 * one to {@link EventsourceBuilder#tracing} or bind one in a Dagger component ({@code OpenTelemetryModule} of
 * {@code eventsource-opentelemetry} binds one on OpenTelemetry); without, {@link #NONE}.
 *
 * <p>With or without one, the listener puts the handled event's id, aggregate and binding, and its
 * {@value #TRACEPARENT} and {@value #TRACESTATE} when its metadata has them, in the SLF4J MDC around the handler
 * (keys {@value #MDC_EVENT}, {@value #MDC_AGGREGATE}, {@value #MDC_BINDING}, {@value #TRACEPARENT},
 * {@value #TRACESTATE}), so that the handler's log lines name what they handle and the trace it belongs to.
 *
 * <p>The runtime calls {@link #capture()} on the thread that calls the publisher, and {@link #restore} on the thread
 * that runs the handler: an implementation is thread-safe, returns quickly, and never throws.
 */
public interface EventTracing {

    /** The metadata entry of the W3C {@code traceparent} header: version, trace id, parent id, flags. */
    String TRACEPARENT = "traceparent";
    /** The metadata entry of the W3C {@code tracestate} header: vendors' entries of the trace. */
    String TRACESTATE = "tracestate";
    /** The MDC key of the handled event's id. */
    String MDC_EVENT = "eventsource.event";
    /** The MDC key of the handled event's aggregate, as {@code Type-id}. */
    String MDC_AGGREGATE = "eventsource.aggregate";
    /** The MDC key of the binding that handles the event, as {@code service:Type:projection}. */
    String MDC_BINDING = "eventsource.binding";

    /** Captures nothing and restores nothing: the runtime's default; events still carry what their metadata has. */
    EventTracing NONE = new EventTracing() {
    };

    /**
     * The current trace context as metadata entries (such as {@value #TRACEPARENT} and {@value #TRACESTATE}), to be
     * written into the events that a publish call makes now: the events of {@code publish(aggregate, name, payload)}
     * and the typed events. A {@link io.eventsource.domain.NewEvent} the caller made keeps its own metadata as it is.
     *
     * @return the entries, empty when no trace is current; never null
     */
    default Map<String, String> capture() {
        return Map.of();
    }

    /**
     * Makes the trace context of {@code event}'s metadata current while {@code binding}'s handler runs (once per
     * attempt), e.g. as the parent of a consumer span; the runtime closes the returned scope when the handler
     * returns or throws, on the same thread.
     *
     * @return the scope to close after the handler; {@link Scope#NONE} when there is nothing to restore
     */
    default Scope restore(Event event, Binding binding) {
        return Scope.NONE;
    }

    /** What {@link #restore} made current, until it is closed. */
    interface Scope extends AutoCloseable {

        /** Nothing to close. */
        Scope NONE = () -> {
        };

        /** The handler threw {@code failure}; called before {@link #close()}. */
        default void failed(Throwable failure) {
        }

        /** Ends the scope: the context current before {@link #restore} is current again. Never throws. */
        @Override
        void close();
    }
}
