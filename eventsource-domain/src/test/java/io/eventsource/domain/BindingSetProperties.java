package io.eventsource.domain;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** The seed's one-binding rule, for any sequence of listen-style binding requests across services. */
class BindingSetProperties {
    private static final List<String> SERVICES = List.of("ads", "search", "api-legacy");
    private static final List<String> TYPES = List.of("Product", "Order");
    private static final List<String> PROJECTIONS = List.of("projections", "search-index", "stats");

    /** A request to bind, or (with {@code release}) a listener that stopped and released its binding. */
    record Request(Binding binding, boolean release) {
    }

    @Provide
    Arbitrary<List<Request>> requests() {
        Arbitrary<Binding> binding = Combinators.combine(Arbitraries.of(SERVICES), Arbitraries.of(TYPES),
                Arbitraries.of(PROJECTIONS)).as(Binding::of);
        Arbitrary<Boolean> release = Arbitraries.frequency(
                Tuple.of(5, false), Tuple.of(1, true));
        return Combinators.combine(binding, release).as(Request::new).list().ofMaxSize(60);
    }

    @Property(tries = 300)
    void aPairIsBoundOncePerServiceAndAnyNumberOfTimesAcrossServices(@ForAll("requests") List<Request> requests) {
        BindingSet set = BindingSet.empty();
        Set<Binding> held = new HashSet<>();
        for (Request request : requests) {
            Binding binding = request.binding();
            if (request.release()) {
                set = set.without(binding);
                held.remove(binding);
            } else if (held.contains(binding)) {
                BindingSet before = set;
                assertThatThrownBy(() -> before.with(binding))
                        .isInstanceOfSatisfying(DuplicateBindingException.class, refusal -> {
                            assertThat(refusal.binding()).isEqualTo(binding);
                            assertThat(refusal.getMessage()).contains("\"" + binding.service().value() + "\"",
                                    "\"" + binding.type().value() + "\"", "\"" + binding.projection().value() + "\"");
                        });
            } else {
                set = set.with(binding);
                held.add(binding);
            }
            assertThat(set.all()).containsExactlyInAnyOrderElementsOf(held);
        }

        Map<List<Object>, Integer> perServiceAndPair = new HashMap<>();
        for (Binding binding : set.all()) {
            perServiceAndPair.merge(List.of(binding.service(), binding.type(), binding.projection()), 1, Integer::sum);
        }
        assertThat(perServiceAndPair.values()).allMatch(count -> count == 1);
        for (String type : TYPES) {
            for (String service : SERVICES) {
                Set<Binding> ofService = set.of(ServiceName.of(service), AggregateType.of(type));
                assertThat(ofService).allMatch(b -> b.service().value().equals(service) && b.type().value().equals(type));
            }
        }
    }

    @Property(tries = 100)
    void everyServiceMayBindTheSamePair(@ForAll("services") Set<String> services) {
        BindingSet set = BindingSet.empty();
        for (String service : services) {
            set = set.with(Binding.of(service, "Product", "projections"));
        }

        assertThat(set.size()).isEqualTo(services.size());
        for (String service : services) {
            try {
                set.with(Binding.of(service, "Product", "projections"));
                fail("a second binding of the same pair in " + service + " was accepted");
            } catch (DuplicateBindingException expected) {
                assertThat(expected.binding().service().value()).isEqualTo(service);
            }
        }
    }

    @Provide
    Arbitrary<Set<String>> services() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10).set().ofMinSize(1).ofMaxSize(8);
    }
}
