package io.eventsource.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method of a Spring bean a handler of one projection: the starter binds {@code (service, type, projection)}
 * on the runtime's listener of the service, attaches the method, and starts and stops the listener with the
 * application context. The method takes one of:
 * <ul>
 *   <li>{@code (io.eventsource.domain.Event event)}: every event of the type, or those named {@link #event()};</li>
 *   <li>{@code (OrderPaid paid)} or {@code (OrderPaid paid, Event envelope)}: the events of that class's name, the
 *       payload read as the class by the runtime's serializer ({@code eventsource-jackson}); {@link #event()} must
 *       then be empty, the name is the class's.</li>
 * </ul>
 * Its return value is ignored; throwing fails the event, which the runtime retries and then records as failed
 * ({@code FailurePolicy}). Several methods may share a binding as long as each handles other events (at most one
 * catch-all); the events of one aggregate reach a binding one at a time, in order.
 *
 * <pre>{@code
 * @Component
 * class Invoices {
 *     @EventsourceHandler(type = "Order", projection = "invoices")
 *     void on(OrderPaid paid, Event envelope) { ... }
 * }
 * }</pre>
 *
 * A mistake (an unknown parameter type, no service, two handlers for one event) stops the application at start with
 * an {@link EventsourceConfigurationException} naming the bean and the method.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventsourceHandler {

    /** The aggregate type, such as {@code Order}. */
    String type();

    /** The projection, such as {@code invoices}: one binding per (service, type, projection). */
    String projection();

    /** The service; empty: the property {@code eventsource.service}, else {@code spring.application.name}. */
    String service() default "";

    /** Only events of this name ({@code Event} parameter only); empty: every event without a handler of its own. */
    String event() default "";
}
