package io.eventsource.spring;

import io.eventsource.core.Eventsource;
import io.eventsource.core.Listener;
import io.eventsource.core.ProjectionBinding;
import io.eventsource.domain.EventsourceException;
import io.eventsource.domain.ServiceName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The listeners of the application's handler beans ({@link EventsourceHandler} methods and
 * {@link EventsourceProjection} beans), started with the application context and stopped, gracefully, before it
 * closes: the event in progress in each aggregate finishes and its acks are recorded before the runtime closes.
 *
 * <p>On start it groups the handlers by service and binding, binds each (service, type, projection) once on the
 * runtime's listener of the service, attaches the handlers, and starts the listeners. A mistake in the handlers (a
 * second catch-all on one binding, a typed handler without a serializer, an invalid name, no service) fails the start
 * with an {@link EventsourceConfigurationException} naming the handler.
 */
public final class EventsourceListeners implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(EventsourceListeners.class);

    private final ObjectProvider<Eventsource> runtime;
    private final Supplier<List<HandlerMethods.Attachment>> attachments;
    private final String defaultService;
    private final boolean autoStartup;
    private final List<Listener> listeners = new ArrayList<>();
    private volatile boolean running;

    EventsourceListeners(ObjectProvider<Eventsource> runtime, Supplier<List<HandlerMethods.Attachment>> attachments,
                         String defaultService, boolean autoStartup) {
        this.runtime = runtime;
        this.attachments = attachments;
        this.defaultService = defaultService == null ? "" : defaultService.trim();
        this.autoStartup = autoStartup;
    }

    /** Binds the handlers and starts a listener per service. */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        Map<String, Map<List<String>, List<HandlerMethods.Attachment>>> byService = group(attachments.get());
        if (!byService.isEmpty()) {
            Eventsource eventsource = runtime.getIfAvailable();
            if (eventsource == null) {
                throw new EventsourceConfigurationException("The application has eventsource handlers "
                        + byService + " but no Eventsource bean to listen on",
                        "let the starter build the runtime, or define an io.eventsource.core.Eventsource bean");
            }
            byService.forEach((service, bindings) -> listeners.add(listen(eventsource, service, bindings)));
            listeners.forEach(Listener::start);
            LOG.info("eventsource listeners started: {}", describe(byService));
        }
        running = true;
    }

    private static Listener listen(Eventsource eventsource, String service,
                                   Map<List<String>, List<HandlerMethods.Attachment>> bindings) {
        Listener listener;
        try {
            listener = eventsource.listener(ServiceName.of(service));
        } catch (EventsourceException e) {
            throw new EventsourceConfigurationException("The service \"" + service + "\" of "
                    + bindings.values().iterator().next().get(0).where() + ": " + e.getMessage(),
                    "give a valid service name", e);
        }
        bindings.forEach((typeAndProjection, handlers) -> {
            ProjectionBinding binding;
            try {
                binding = listener.listen(typeAndProjection.get(0), typeAndProjection.get(1));
            } catch (EventsourceException | IllegalStateException e) {
                throw new EventsourceConfigurationException(handlers.get(0).where() + " cannot bind "
                        + typeAndProjection + " for service " + service + ": " + e.getMessage(),
                        "give a valid aggregate type and projection, bound once per service", e);
            }
            for (HandlerMethods.Attachment handler : handlers) {
                try {
                    handler.attach().accept(binding);
                } catch (EventsourceException | IllegalStateException e) {
                    throw new EventsourceConfigurationException(handler.where() + " cannot attach to "
                            + binding.binding() + ": " + e.getMessage(), "give each event of a binding one handler "
                            + "(and one catch-all at most); typed handlers need eventsource-jackson (or an "
                            + "EventSerializer bean)", e);
                }
            }
        });
        return listener;
    }

    /** Service, then (type, projection), in the order the handlers were found. */
    private Map<String, Map<List<String>, List<HandlerMethods.Attachment>>> group(List<HandlerMethods.Attachment> all) {
        Map<String, Map<List<String>, List<HandlerMethods.Attachment>>> byService = new LinkedHashMap<>();
        for (HandlerMethods.Attachment attachment : all) {
            String service = attachment.service().isBlank() ? defaultService : attachment.service().trim();
            if (service.isEmpty()) {
                throw new EventsourceConfigurationException(attachment.where() + " names no service, and neither "
                        + "eventsource.service nor spring.application.name is set",
                        "set eventsource.service (or spring.application.name), or name the service on the handler");
            }
            byService.computeIfAbsent(service, s -> new LinkedHashMap<>())
                    .computeIfAbsent(List.of(attachment.type(), attachment.projection()), b -> new ArrayList<>())
                    .add(attachment);
        }
        return byService;
    }

    private static String describe(Map<String, Map<List<String>, List<HandlerMethods.Attachment>>> byService) {
        List<String> bindings = new ArrayList<>();
        byService.forEach((service, byBinding) -> byBinding.keySet().forEach(typeAndProjection ->
                bindings.add(service + ":" + typeAndProjection.get(0) + ":" + typeAndProjection.get(1))));
        return String.join(", ", bindings);
    }

    /** Stops the listeners gracefully and calls back once their work in progress has finished. */
    @Override
    public synchronized void stop(Runnable callback) {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (Listener listener : listeners) {
            stopping.add(listener.stop().toCompletableFuture());
        }
        listeners.clear();
        running = false;
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
            if (failure != null) {
                LOG.warn("Stopping the eventsource listeners failed", failure);
            }
            callback.run();
        });
    }

    @Override
    public void stop() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        stop(() -> stopped.complete(null));
        stopped.join();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isAutoStartup() {
        return autoStartup;
    }

    /** The listeners of the services, one per service; empty before {@link #start()} and after {@link #stop()}. */
    public synchronized List<Listener> listeners() {
        return List.copyOf(listeners);
    }
}
