package io.eventsource.spring;

import io.eventsource.core.ProjectionBinding;
import io.eventsource.core.TypedEventHandler;
import io.eventsource.domain.Event;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds the {@link EventsourceHandler} methods of every bean as it is initialised, checks their signatures (a wrong
 * one fails the bean's creation, naming bean and method) and keeps them for {@link EventsourceListeners}, which
 * attaches them when the context starts.
 */
final class HandlerMethods implements BeanPostProcessor {
    private final List<Attachment> found = new ArrayList<>();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> target = AopUtils.getTargetClass(bean);
        Map<Method, EventsourceHandler> annotated = MethodIntrospector.selectMethods(target,
                (MethodIntrospector.MetadataLookup<EventsourceHandler>) method ->
                        AnnotatedElementUtils.findMergedAnnotation(method, EventsourceHandler.class));
        annotated.forEach((method, annotation) -> {
            Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
            ReflectionUtils.makeAccessible(invocable);
            String where = "@EventsourceHandler method " + target.getName() + "." + method.getName() + " of bean '"
                    + beanName + "'";
            Consumer<ProjectionBinding> attach = attachment(bean, invocable, annotation, where);
            synchronized (found) {
                found.add(new Attachment(annotation.service(), annotation.type(), annotation.projection(), where,
                        attach));
            }
        });
        return bean;
    }

    /** The handler methods found so far. */
    List<Attachment> attachments() {
        synchronized (found) {
            return List.copyOf(found);
        }
    }

    private static Consumer<ProjectionBinding> attachment(Object bean, Method method, EventsourceHandler annotation,
                                                          String where) {
        Class<?>[] parameters = method.getParameterTypes();
        String event = annotation.event();
        if (parameters.length == 1 && parameters[0] == Event.class) {
            return binding -> {
                if (event.isEmpty()) {
                    binding.onAny(envelope -> invoke(bean, method, envelope));
                } else {
                    binding.on(event, envelope -> invoke(bean, method, envelope));
                }
            };
        }
        boolean typed = parameters.length == 1 && parameters[0] != Event.class
                || parameters.length == 2 && parameters[0] != Event.class && parameters[1] == Event.class;
        if (!typed) {
            throw new EventsourceConfigurationException(where + " takes " + List.of(parameters).stream()
                    .map(Class::getSimpleName).toList() + ", which the starter cannot call",
                    "give it one parameter of io.eventsource.domain.Event, or of the event's class (optionally "
                            + "followed by the Event it came in)");
        }
        if (!event.isEmpty()) {
            throw new EventsourceConfigurationException(where + " names the event \"" + event + "\" but takes "
                    + parameters[0].getName() + ", whose name the serializer decides",
                    "remove event = \"" + event + "\" (or take an io.eventsource.domain.Event parameter)");
        }
        @SuppressWarnings("unchecked")
        Class<Object> type = (Class<Object>) parameters[0];
        boolean withEnvelope = parameters.length == 2;
        TypedEventHandler<Object> handler = (payload, envelope) -> {
            if (withEnvelope) {
                invoke(bean, method, payload, envelope);
            } else {
                invoke(bean, method, payload);
            }
        };
        return binding -> binding.on(type, handler);
    }

    /** Calls the handler method; what it throws is what the runtime records, not a reflection wrapper. */
    private static void invoke(Object bean, Method method, Object... arguments) throws Exception {
        try {
            method.invoke(bean, arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Handlers to attach to the binding (service, type, projection); an empty service is the default one. */
    record Attachment(String service, String type, String projection, String where, Consumer<ProjectionBinding> attach) {
    }
}
