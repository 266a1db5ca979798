package io.eventsource.core;

import io.eventsource.domain.Binding;
import io.eventsource.domain.Event;
import io.eventsource.domain.EventName;
import io.eventsource.domain.ReplayRequest;
import io.eventsource.ports.EventSerializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A binding and its handlers: one per event name and one catch-all, fixed once the listener starts. */
final class BindingHandlers implements ProjectionBinding {
    private final Binding binding;
    private final BusListener owner;
    private final TypedEvents typed;
    private final Map<EventName, EventHandler> byName = new HashMap<>();
    private EventHandler any;
    private boolean fromBeginning;
    private volatile boolean frozen;

    BindingHandlers(Binding binding, BusListener owner, TypedEvents typed) {
        this.binding = binding;
        this.owner = owner;
        this.typed = typed;
    }

    @Override
    public Binding binding() {
        return binding;
    }

    @Override
    public synchronized ProjectionBinding on(EventName name, EventHandler handler) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handler, "handler");
        requireNotFrozen();
        if (byName.containsKey(name)) {
            throw new IllegalStateException("binding " + binding + " already has a handler for " + name
                    + "; one handler per event name (do several things in one handler)");
        }
        byName.put(name, handler);
        return this;
    }

    @Override
    public <T> ProjectionBinding on(Class<T> type, TypedEventHandler<? super T> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
        EventSerializer serializer = typed.serializer();
        return on(serializer.nameOf(type), event -> handler.handle(serializer.deserialize(event, type), event));
    }

    @Override
    public synchronized ProjectionBinding onAny(EventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        requireNotFrozen();
        if (any != null) {
            throw new IllegalStateException("binding " + binding + " already has a catch-all handler");
        }
        any = handler;
        return this;
    }

    @Override
    public synchronized ProjectionBinding fromBeginning() {
        requireNotFrozen();
        fromBeginning = true;
        return this;
    }

    @Override
    public List<Event> replayFailures(int limit) {
        return owner.replayFailures(this, limit);
    }

    @Override
    public ReplayRun replay(ReplayRequest request) {
        return owner.replay(this, Objects.requireNonNull(request, "request"));
    }

    /** Whether the binding is owed every event of its type ({@link #fromBeginning()}). */
    synchronized boolean owedEverything() {
        return fromBeginning;
    }

    synchronized void freeze() {
        frozen = true;
    }

    /** The handler of the name, else the catch-all, else null (nothing to do for this event). */
    synchronized EventHandler handlerFor(EventName name) {
        EventHandler handler = byName.get(name);
        return handler != null ? handler : any;
    }

    private void requireNotFrozen() {
        if (frozen) {
            throw new IllegalStateException("handlers of " + binding + " are fixed once its listener has started;"
                    + " attach them before Listener.start()");
        }
    }

    @Override
    public String toString() {
        return binding.toString();
    }
}
