package io.eventsource.domain;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the events that a class (typically a record) stands for, and the version of their payload's shape, for the
 * typed API ({@code Publisher.publish(aggregate, event)}, {@code ProjectionBinding.on(type, handler)}). Without it
 * the event name is the class's simple name and the version 1 ({@link EventName#of(Class)}). It lives in the domain
 * so that the classes of a user's events depend on this JDK-only module, not on a serialization library.
 *
 * <pre>{@code
 * @EventType("OrderPaid")                    // another class name may stand for the same events
 * record PaymentReceived(String orderId, long cents) { }
 *
 * @EventType(version = 2)                    // named OrderShipped; version 1 payloads are upcast to this shape
 * record OrderShipped(String orderId, String carrier) { }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

    /**
     * The event name, an {@link EventName} (1-128 characters of {@code [A-Za-z0-9_.:-]}); empty (the default) for
     * the class's simple name.
     */
    String value() default "";

    /**
     * The version of the payload's shape that the class reads and writes, 1 or more. Raise it when the shape changes
     * in a way old payloads do not fit, and register an upcaster from the old version with the serializer.
     */
    int version() default 1;
}
