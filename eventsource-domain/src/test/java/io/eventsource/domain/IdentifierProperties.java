package io.eventsource.domain;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every valid identifier and broker name round-trips; every invalid one is refused naming the rule. */
class IdentifierProperties {
    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String DIGITS = "0123456789";

    /** One kind of identifier: its name, its allowed characters, its length limit, how to make it. */
    record Kind(String name, String first, String rest, int maxLength, String ruleText, Function<String, Object> make,
                Function<Object, String> value) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("AggregateType", LETTERS, LETTERS + DIGITS + "_", AggregateType.MAX_LENGTH,
                    "[A-Za-z0-9_] starting with a letter", AggregateType::new, v -> ((AggregateType) v).value()),
            new Kind("AggregateId", LETTERS + DIGITS + "_.:-", LETTERS + DIGITS + "_.:-", AggregateId.MAX_LENGTH,
                    "[A-Za-z0-9_.:-]", AggregateId::new, v -> ((AggregateId) v).value()),
            new Kind("ServiceName", LETTERS + DIGITS + "_.-", LETTERS + DIGITS + "_.-", ServiceName.MAX_LENGTH,
                    "[A-Za-z0-9_.-]", ServiceName::new, v -> ((ServiceName) v).value()),
            new Kind("Projection", LETTERS + DIGITS + "_.-", LETTERS + DIGITS + "_.-", Projection.MAX_LENGTH,
                    "[A-Za-z0-9_.-]", Projection::new, v -> ((Projection) v).value()),
            new Kind("EventId", LETTERS + DIGITS + "_.:-", LETTERS + DIGITS + "_.:-", EventId.MAX_LENGTH,
                    "[A-Za-z0-9_.:-]", EventId::new, v -> ((EventId) v).value()),
            new Kind("EventName", LETTERS + DIGITS + "_.:-", LETTERS + DIGITS + "_.:-", EventName.MAX_LENGTH,
                    "[A-Za-z0-9_.:-]", EventName::new, v -> ((EventName) v).value()));
    // Namespace has a form of its own (a name ended by one '.'): NamespaceTest and NamespaceProperties

    @Provide
    Arbitrary<Kind> kinds() {
        return Arbitraries.of(KINDS);
    }

    private static Arbitrary<String> valid(Kind kind, int minLength, int maxLength) {
        Arbitrary<Character> first = Arbitraries.of(kind.first().chars().mapToObj(c -> (char) c).toList());
        // lengths uniform over the range (not biased to short ones), so that long names and their limits are reached
        Arbitrary<String> rest = Arbitraries.integers().between(minLength - 1, maxLength - 1)
                .withDistribution(RandomDistribution.uniform())
                .flatMap(length -> Arbitraries.strings().withChars(kind.rest().toCharArray()).ofLength(length));
        return Combinators.combine(first, rest).as((f, r) -> f + r);
    }

    /** A kind with a valid value of it. */
    record Sample(Kind kind, String value) {
        @Override
        public String toString() {
            return kind.name() + " \"" + value + "\"";
        }
    }

    @Provide
    Arbitrary<Sample> validValues() {
        return kinds().flatMap(kind -> valid(kind, 1, kind.maxLength()).map(value -> new Sample(kind, value)));
    }

    @Provide
    Arbitrary<Sample> tooLongValues() {
        return kinds().flatMap(kind -> valid(kind, kind.maxLength() + 1, kind.maxLength() + 50)
                .map(value -> new Sample(kind, value)));
    }

    @Provide
    Arbitrary<Sample> valuesWithAForbiddenCharacter() {
        return kinds().flatMap(kind -> Combinators.combine(valid(kind, 1, 20), Arbitraries.integers().between(0, 20),
                        Arbitraries.chars().filter(c -> kind.rest().indexOf(c) < 0))
                .as((value, position, forbidden) -> {
                    int at = Math.min(position, value.length());
                    return new Sample(kind, value.substring(0, at) + forbidden + value.substring(at));
                }));
    }

    @Property(tries = 300)
    void everyValidIdentifierRoundTrips(@ForAll("validValues") Sample sample) {
        Object made = sample.kind().make().apply(sample.value());

        assertThat(sample.kind().value().apply(made)).isEqualTo(sample.value());
        assertThat(made).isEqualTo(sample.kind().make().apply(sample.value()));
        assertThat(made.toString()).isEqualTo(sample.value());
    }

    @Property(tries = 200)
    void anIdentifierOverItsLengthIsRefusedNamingTheLimit(@ForAll("tooLongValues") Sample sample) {
        Kind kind = sample.kind();

        assertThatThrownBy(() -> kind.make().apply(sample.value())).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(kind.name() + " must be 1-" + kind.maxLength() + " characters of " + kind.ruleText())
                .hasMessageContaining("(" + sample.value().length() + " characters)");
    }

    @Property(tries = 300)
    void anIdentifierWithAForbiddenCharacterIsRefusedNamingTheAllowedOnes(
            @ForAll("valuesWithAForbiddenCharacter") Sample sample) {
        Kind kind = sample.kind();

        assertThatThrownBy(() -> kind.make().apply(sample.value())).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(kind.name() + " must be 1-" + kind.maxLength() + " characters of " + kind.ruleText());
    }

    @Property(tries = 50)
    void anEmptyOrMissingIdentifierIsRefused(@ForAll("kinds") Kind kind) {
        assertThatThrownBy(() -> kind.make().apply("")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(kind.name() + " must be 1-" + kind.maxLength());
        assertThatThrownBy(() -> kind.make().apply(null)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("got null");
    }

    @Property(tries = 100)
    void anAggregateTypeMustStartWithALetter(@ForAll @IntRange(min = 0, max = 10) int digit) {
        String value = (digit == 10 ? "_" : String.valueOf(digit)) + "Product";

        assertThatThrownBy(() -> AggregateType.of(value)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("starting with a letter");
    }

    // ---- topology names ----

    /** Values of any length, half of them in the top quarter, so that names over the limit are common too. */
    private static Arbitrary<String> anyOrLong(Kind kind) {
        return Arbitraries.oneOf(valid(kind, 1, kind.maxLength()), valid(kind, kind.maxLength() * 3 / 4, kind.maxLength()));
    }

    @Provide
    Arbitrary<Topology> topologies() {
        Kind name = new Kind("namespace name", "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz" + DIGITS + "_",
                Namespace.MAX_NAME_LENGTH, "", null, null);
        return Arbitraries.oneOf(Arbitraries.just(Topology.of(Namespace.NONE)),
                anyOrLong(name).map(prefix -> Topology.of(Namespace.of(prefix + "."))));
    }

    @Provide
    Arbitrary<AggregateType> types() {
        return anyOrLong(KINDS.get(0)).map(AggregateType::of);
    }

    @Provide
    Arbitrary<AggregateId> ids() {
        return anyOrLong(KINDS.get(1)).map(AggregateId::of);
    }

    @Provide
    Arbitrary<ServiceName> services() {
        return anyOrLong(KINDS.get(2)).map(ServiceName::of);
    }

    // four generated parts have more edge-case combinations than tries: random ones reach both sides of the limit
    @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
    void topologyNamesAreMadeWhenTheyFitAndRefusedNamingTheLimitWhenNot(
            @ForAll("topologies") Topology topology, @ForAll("types") AggregateType type, @ForAll("ids") AggregateId id,
            @ForAll("services") ServiceName service) {
        String prefix = topology.namespace().prefix();
        AggregateRef aggregate = new AggregateRef(type, id);

        expectName(() -> topology.announcementExchange(type).value(), prefix + type.value() + "AggregateIds", "ExchangeName");
        expectName(() -> topology.announcementQueue(type, service).value(),
                prefix + type.value() + "AggregateIds-" + service.value(), "QueueName");
        expectName(() -> topology.aggregateExchange(aggregate).value(), prefix + type.value() + "-" + id.value(), "ExchangeName");
        expectName(() -> topology.aggregateQueue(aggregate, service).value(),
                prefix + type.value() + "-" + id.value() + "-" + service.value(), "QueueName");
        assertThat(topology.healthChecksKey(type)).isEqualTo(prefix + type.value() + "ServicesHealthChecks");
        assertThat(topology.servicesKey()).isEqualTo(prefix + "eventsourceServices");

        int queueBytes = (prefix + aggregate + "-" + service.value()).length();
        Statistics.collect(queueBytes <= 255 ? "aggregate queue name fits" : "aggregate queue name too long");
        Statistics.coverage(coverage -> {
            coverage.check("aggregate queue name fits").count(n -> n > 0);
            coverage.check("aggregate queue name too long").count(n -> n > 0);
        });
    }

    private static void expectName(Supplier<String> make, String expected, String kind) {
        if (expected.getBytes(StandardCharsets.UTF_8).length <= 255) {
            assertThat(make.get()).isEqualTo(expected);
        } else {
            assertThatThrownBy(make::get).isInstanceOf(InvalidValueException.class)
                    .hasMessageContaining(kind + " must be at most 255 bytes of UTF-8");
        }
    }

    @Property(tries = 300)
    void aBrokerNameIsAcceptedExactlyWhenItIsOneTo255BytesWithoutControlCharacters(
            @ForAll("unicodeNames") String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        boolean control = name.chars().anyMatch(Character::isISOControl);

        if (bytes >= 1 && bytes <= 255 && !control) {
            assertThat(new QueueName(name).value()).isEqualTo(name);
            assertThat(new ExchangeName(name).value()).isEqualTo(name);
        } else {
            assertThatThrownBy(() -> new QueueName(name)).isInstanceOf(InvalidValueException.class)
                    .hasMessageContaining("QueueName must");
        }
    }

    @Provide
    Arbitrary<String> unicodeNames() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(0).ofMaxLength(300),
                Arbitraries.strings().withChars("aé€\u0001-".toCharArray()).ofMinLength(1).ofMaxLength(200));
    }
}
