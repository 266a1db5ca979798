package io.eventsource.domain;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The bindings a listener holds, under the seed's rule: a service binds each (aggregate type,
 * projection) pair once; different services may bind the same pair. Immutable.
 */
public final class BindingSet {
    private static final BindingSet EMPTY = new BindingSet(Set.of());
    private final Set<Binding> bindings;

    private BindingSet(Set<Binding> bindings) {
        this.bindings = bindings;
    }

    /** The set with no bindings: a listener before its first {@code listen}. */
    public static BindingSet empty() {
        return EMPTY;
    }

    /**
     * This set with one more binding.
     *
     * @throws DuplicateBindingException if the binding's service already binds its type and projection
     */
    public BindingSet with(Binding binding) {
        if (bindings.contains(binding)) {
            throw new DuplicateBindingException(binding);
        }
        Set<Binding> more = new LinkedHashSet<>(bindings);
        more.add(binding);
        return new BindingSet(Collections.unmodifiableSet(more));
    }

    /** This set without the binding (a listener that stopped); unchanged if absent. */
    public BindingSet without(Binding binding) {
        if (!bindings.contains(binding)) {
            return this;
        }
        Set<Binding> fewer = new LinkedHashSet<>(bindings);
        fewer.remove(binding);
        return new BindingSet(Collections.unmodifiableSet(fewer));
    }

    /** Whether this set holds the binding (the same service, aggregate type and projection). */
    public boolean contains(Binding binding) {
        return bindings.contains(binding);
    }

    /** The bindings of one service on one aggregate type, in the order they were made. */
    public Set<Binding> of(ServiceName service, AggregateType type) {
        Set<Binding> matching = new LinkedHashSet<>();
        for (Binding binding : bindings) {
            if (binding.service().equals(service) && binding.type().equals(type)) {
                matching.add(binding);
            }
        }
        return Collections.unmodifiableSet(matching);
    }

    /** All bindings, in the order they were made. */
    public Set<Binding> all() {
        return bindings;
    }

    /** How many bindings this set holds. */
    public int size() {
        return bindings.size();
    }

    @Override
    public String toString() {
        return "BindingSet" + bindings;
    }
}
