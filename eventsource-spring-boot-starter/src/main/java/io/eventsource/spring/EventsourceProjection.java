package io.eventsource.spring;

import io.eventsource.core.ProjectionBinding;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A projection as a bean: the starter binds {@code (service, type, projection)} on the runtime's listener of the
 * service, hands the binding to {@link #attach} for its handlers, and starts and stops the listener with the
 * application context. The other way to the same binding is {@link EventsourceHandler} on methods; both may add
 * handlers to one binding.
 *
 * <pre>{@code
 * @Bean
 * EventsourceProjection legacyApi(LegacyApi api) {
 *     return EventsourceProjection.of("Product", "projections", binding -> binding.onAny(api::forward));
 * }
 * }</pre>
 */
public interface EventsourceProjection {

    /** The aggregate type, such as {@code Product}. */
    String type();

    /** The projection, such as {@code projections}. */
    String projection();

    /** The service; empty (the default): the property {@code eventsource.service}, else {@code spring.application.name}. */
    default String service() {
        return "";
    }

    /**
     * Attaches the handlers, once, before the listener starts ({@link ProjectionBinding#on}, {@code onAny},
     * {@code fromBeginning}).
     */
    void attach(ProjectionBinding binding);

    /** A projection of the default service. */
    static EventsourceProjection of(String type, String projection, Consumer<ProjectionBinding> attach) {
        return of("", type, projection, attach);
    }

    /** A projection of {@code service}. */
    static EventsourceProjection of(String service, String type, String projection,
                                    Consumer<ProjectionBinding> attach) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(attach, "attach");
        return new EventsourceProjection() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public String projection() {
                return projection;
            }

            @Override
            public String service() {
                return service;
            }

            @Override
            public void attach(ProjectionBinding binding) {
                attach.accept(binding);
            }

            @Override
            public String toString() {
                return "EventsourceProjection[" + (service.isEmpty() ? "" : service + ":") + type + ":" + projection + "]";
            }
        };
    }
}
