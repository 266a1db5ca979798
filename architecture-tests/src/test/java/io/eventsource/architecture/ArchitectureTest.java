package io.eventsource.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.PackageMatchers;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module boundaries of DESIGN.md section 4 and the rules of STYLE.md, checked on the production classes
 * of every module. {@code ArchitectureRulesCanFailTest} shows that each rule reports a deliberate violation.
 */
@AnalyzeClasses(packages = "io.eventsource", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    static final String DOMAIN = "io.eventsource.domain..";
    static final String PORTS = "io.eventsource.ports..";
    static final String CORE = "io.eventsource.core..";
    static final String TCK = "io.eventsource.tck..";
    static final String ADAPTERS = "io.eventsource.adapter..";
    /** The serializer on Jackson: like an adapter, it implements a port (EventSerializer) and sees no core. */
    static final String SERIALIZER = "io.eventsource.jackson..";
    /**
     * The meters on Micrometer: it implements the core's metrics interface, so it sees the core, but only that
     * interface (and the domain values it passes), never the runtime.
     */
    static final String METRICS = "io.eventsource.micrometer..";
    /** The one type of the core that the metrics module implements. */
    static final String METRICS_INTERFACE = "io.eventsource.core.EventsourceMetrics";
    /**
     * The traces on OpenTelemetry: like the metrics module, it implements one interface of the core and sees only
     * that interface (with its nested scope) and the domain values it reads, never the runtime.
     */
    static final String TRACING = "io.eventsource.opentelemetry..";
    /** The one type of the core (with the types nested in it) that the tracing module implements. */
    static final String TRACING_INTERFACE = "io.eventsource.core.EventTracing";
    static final String EXAMPLES = "io.eventsource.examples..";
    /** The admin CLI: an application like the examples, so it may compose adapters and read the core. */
    static final String CLI = "io.eventsource.cli..";
    static final String TESTKIT = "io.eventsource.testkit..";
    static final String IN_MEMORY_ADAPTER = "io.eventsource.adapter.inmemory..";

    /** Infrastructure client libraries, each the business of exactly one adapter. */
    static final String[] RABBITMQ_CLIENT = {"com.rabbitmq..", "io.netty.."};
    static final String[] REDIS_CLIENT = {"redis.clients..", "org.apache.commons.pool2.."};
    static final String[] PERSISTENCE = {"org.hibernate..", "jakarta.persistence..", "java.sql..", "javax.sql..",
            "com.mysql..", "org.postgresql..", "com.zaxxer.hikari..", "org.flywaydb.."};
    /** The adapters on a SQL database: the only ones that may use the persistence libraries above. */
    static final String[] SQL_ADAPTERS = {"io.eventsource.adapter.mysql..", "io.eventsource.adapter.postgresql.."};
    static final String[] DEPENDENCY_INJECTION = {"dagger..", "jakarta.inject..", "javax.inject.."};
    /** JSON: the serializer's library, and the SQL adapters' for their metadata column. */
    static final String[] JSON_LIBRARY = {"com.fasterxml.jackson.."};
    /** Metrics: Micrometer, the business of the metrics module only, so that the core runs without it. */
    static final String[] METRICS_LIBRARY = {"io.micrometer.."};
    /** Tracing: OpenTelemetry, the business of the tracing module only, so that the core runs without it. */
    static final String[] TRACING_LIBRARY = {"io.opentelemetry.."};

    /**
     * Public types of an adapter's package beyond its Dagger module and settings record: each is API on purpose
     * (tests drive the in-memory clock and inspect the simulated broker; {@code MySqlModule.ports(...)} hands a
     * composition without Dagger, such as the Spring Boot starter, the MySQL adapter's three ports on one database as
     * one closeable). Add a type here only with that kind of reason.
     */
    static final Set<String> DECLARED_ADAPTER_API = Set.of(
            "io.eventsource.adapter.inmemory.VirtualScheduler",
            "io.eventsource.adapter.inmemory.InMemoryBroker",
            "io.eventsource.adapter.mysql.MySqlPorts",
            // an operator's tools (the admin CLI) list and remove a namespace's tables, broker objects and Redis
            // keys; the client libraries stay inside their adapters, and no port carries such an operation
            "io.eventsource.adapter.mysql.MySqlNamespace",
            "io.eventsource.adapter.rabbitmq.RabbitMqNamespace",
            "io.eventsource.adapter.redis.RedisNamespace");

    /**
     * The core's Dagger modules: the runtime's wiring, and real time (beside the {@code SystemScheduler} it binds,
     * since adapters may not see the core and the ports carry no Dagger). Add one here only with that kind of reason.
     */
    static final Set<String> CORE_MODULES = Set.of(
            "io.eventsource.core.EventsourceModule",
            "io.eventsource.core.RealTimeModule");

    /** The packages whose public face is a Dagger module and a settings record: each adapter's, and the serializer's. */
    static final String[] MODULE_AND_SETTINGS_PACKAGES = {"io.eventsource.adapter.*", "io.eventsource.jackson",
            "io.eventsource.micrometer", "io.eventsource.opentelemetry"};

    /** Factories and components that Dagger writes; they follow Dagger's rules, not ours. */
    static final DescribedPredicate<JavaClass> DAGGER_GENERATED = DescribedPredicate.describe(
            "generated by Dagger", type -> type.isAnnotatedWith("dagger.internal.DaggerGenerated"));

    @ArchTest
    static final ArchRule DOMAIN_DEPENDS_ONLY_ON_THE_JDK = classes()
            .that().resideInAPackage(DOMAIN)
            .should().onlyDependOnClassesThat().resideInAnyPackage(DOMAIN, "java..")
            .because("the domain is pure values and functions: no I/O, no threads, no libraries (DESIGN.md 4)");

    @ArchTest
    static final ArchRule PORTS_DEPEND_ONLY_ON_THE_DOMAIN_AND_THE_JDK = classes()
            .that().resideInAPackage(PORTS)
            .should().onlyDependOnClassesThat().resideInAnyPackage(PORTS, DOMAIN, "java..")
            .because("ports speak in domain words, so that any technology can sit behind them (DESIGN.md 4)");

    @ArchTest
    static final ArchRule MODULES_FORM_A_HEXAGON = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Domain").definedBy(DOMAIN)
            .layer("Ports").definedBy(PORTS)
            // the runtime and the compositions land after the foundation; until then these layers may be empty
            .optionalLayer("Core").definedBy(CORE)
            .layer("Adapters").definedBy(ADAPTERS)
            .layer("Serializer").definedBy(SERIALIZER)
            .layer("Metrics").definedBy(METRICS)
            .layer("Tracing").definedBy(TRACING)
            .layer("Tck").definedBy(TCK)
            .optionalLayer("Examples").definedBy(EXAMPLES)
            .layer("Cli").definedBy(CLI)
            .layer("Testkit").definedBy(TESTKIT)
            .whereLayer("Domain").mayNotAccessAnyLayer()
            .whereLayer("Ports").mayOnlyAccessLayers("Domain")
            .whereLayer("Core").mayOnlyAccessLayers("Domain", "Ports")
            .whereLayer("Adapters").mayOnlyAccessLayers("Domain", "Ports")
            .whereLayer("Serializer").mayOnlyAccessLayers("Domain", "Ports")
            .whereLayer("Tck").mayOnlyAccessLayers("Domain", "Ports")
            .whereLayer("Metrics").mayOnlyAccessLayers("Domain", "Core")
            .whereLayer("Tracing").mayOnlyAccessLayers("Domain", "Core")
            .whereLayer("Testkit").mayOnlyAccessLayers("Domain", "Ports", "Core", "Adapters", "Serializer")
            .whereLayer("Core").mayOnlyBeAccessedByLayers("Examples", "Cli", "Testkit", "Metrics", "Tracing")
            .whereLayer("Adapters").mayOnlyBeAccessedByLayers("Examples", "Cli", "Testkit")
            .whereLayer("Serializer").mayOnlyBeAccessedByLayers("Examples", "Cli", "Testkit")
            .whereLayer("Metrics").mayOnlyBeAccessedByLayers("Examples", "Cli")
            .whereLayer("Tracing").mayOnlyBeAccessedByLayers("Examples", "Cli")
            .whereLayer("Testkit").mayNotBeAccessedByAnyLayer()
            .whereLayer("Cli").mayNotBeAccessedByAnyLayer()
            .ensureAllClassesAreContainedInArchitecture()
            .because("the core runs the domain's rules against the ports and imports no adapter, adapters and the "
                    + "serializer implement ports without seeing the core or each other, and only the examples, the "
                    + "admin CLI, the test kit (for users' tests) and users compose; the metrics and tracing modules implement the core's "
                    + "metrics and tracing interfaces (DESIGN.md 4)");

    @ArchTest
    static final ArchRule METRICS_SEE_ONLY_THE_CORES_METRICS_INTERFACE = noClasses()
            .that().resideInAPackage(METRICS)
            .should().dependOnClassesThat(resideInAPackage(CORE).and(not(DescribedPredicate.describe(
                    "the metrics interface", (JavaClass type) -> type.getName().equals(METRICS_INTERFACE))))
                    .as("belong to the core other than its metrics interface"))
            .because("the metrics module reports what the core tells it through EventsourceMetrics; leaning on the "
                    + "runtime's classes would tie it to the core's insides");

    @ArchTest
    static final ArchRule MICROMETER_ONLY_IN_THE_METRICS_MODULE = noClasses()
            .that().resideOutsideOfPackages(METRICS)
            .should().dependOnClassesThat().resideInAnyPackage(METRICS_LIBRARY)
            .because("Micrometer is an optional dependency: the core reports through its own EventsourceMetrics "
                    + "interface, and only eventsource-micrometer turns that into meters (DESIGN.md 4)");

    @ArchTest
    static final ArchRule TRACING_SEES_ONLY_THE_CORES_TRACING_INTERFACE = noClasses()
            .that().resideInAPackage(TRACING)
            .should().dependOnClassesThat(resideInAPackage(CORE).and(not(DescribedPredicate.describe(
                    "the tracing interface", (JavaClass type) -> type.getName().equals(TRACING_INTERFACE)
                            || type.getName().startsWith(TRACING_INTERFACE + "$"))))
                    .as("belong to the core other than its tracing interface"))
            .because("the tracing module captures and restores what the core asks of it through EventTracing; "
                    + "leaning on the runtime's classes would tie it to the core's insides");

    @ArchTest
    static final ArchRule OPENTELEMETRY_ONLY_IN_THE_TRACING_MODULE = noClasses()
            .that().resideOutsideOfPackages(TRACING)
            .should().dependOnClassesThat().resideInAnyPackage(TRACING_LIBRARY)
            .because("OpenTelemetry is an optional dependency: the core carries traces through its own EventTracing "
                    + "interface (and the SLF4J MDC), and only eventsource-opentelemetry turns that into spans "
                    + "(DESIGN.md 4)");

    @ArchTest
    static final ArchRule TESTKIT_RUNS_ON_THE_IN_MEMORY_ADAPTER_ONLY = noClasses()
            .that().resideInAPackage(TESTKIT)
            .should().dependOnClassesThat(resideInAPackage(ADAPTERS).and(not(resideInAPackage(IN_MEMORY_ADAPTER)))
                    .as("belong to an adapter other than the in-memory one"))
            .because("the test kit runs a user's tests in memory on the virtual clock, deterministic and fast; a real "
                    + "broker, registry or database would make them slow and flaky (DESIGN.md 5)");

    @ArchTest
    static final ArchRule ADAPTERS_DO_NOT_SEE_EACH_OTHER = slices()
            .matching("io.eventsource.adapter.(*)..")
            .should().notDependOnEachOther()
            .because("swapping one adapter for another is a different module list, so no adapter may lean on another "
                    + "(DESIGN.md 4)");

    @ArchTest
    static final ArchRule RABBITMQ_CLIENT_ONLY_IN_THE_RABBITMQ_ADAPTER = onlyInside("io.eventsource.adapter.rabbitmq..",
            RABBITMQ_CLIENT);

    @ArchTest
    static final ArchRule REDIS_CLIENT_ONLY_IN_THE_REDIS_ADAPTER = onlyInside("io.eventsource.adapter.redis..",
            REDIS_CLIENT);

    @ArchTest
    static final ArchRule PERSISTENCE_ONLY_IN_THE_SQL_ADAPTERS = noClasses()
            .that().resideOutsideOfPackages(SQL_ADAPTERS)
            .should().dependOnClassesThat().resideInAnyPackage(PERSISTENCE)
            .because("JDBC, Hibernate, the pool, Flyway and the drivers are the business of the SQL adapters (MySQL and "
                    + "PostgreSQL, which do not see each other either), and none of their types crosses a port "
                    + "(DESIGN.md 4, STYLE.md)");

    @ArchTest
    static final ArchRule JSON_LIBRARY_ONLY_IN_THE_SERIALIZER_AND_THE_SQL_ADAPTERS = noClasses()
            .that().resideOutsideOfPackages(concat(new String[]{SERIALIZER}, SQL_ADAPTERS))
            .should().dependOnClassesThat().resideInAnyPackage(JSON_LIBRARY)
            .because("JSON goes through Jackson inside the serializer (typed events) and the SQL adapters (their metadata "
                    + "column); the core, the ports and the domain stay free of it, so the byte API needs no Jackson "
                    + "(DESIGN.md 4)");

    @ArchTest
    static final ArchRule DOMAIN_AND_CORE_CARRY_NO_DEPENDENCY_INJECTION = noClasses()
            .that().resideInAnyPackage(DOMAIN, CORE)
            .and(not(resideInAPackage(CORE).and(annotatedWith("dagger.Module"))
                    .as("the core's Dagger module")))
            .and(not(DAGGER_GENERATED))
            .should().dependOnClassesThat().resideInAnyPackage(DEPENDENCY_INJECTION)
            .because("domain and core are plain constructors; wiring lives in Dagger modules and components "
                    + "(STYLE.md, Composition)");

    @ArchTest
    static final ArchRule CORE_HAS_ONLY_ITS_DECLARED_DAGGER_MODULES = classes()
            .that().resideInAPackage(CORE).and().areAnnotatedWith("dagger.Module")
            .should(beOneOf(CORE_MODULES, "declared core modules"))
            // legitimately empty while the core has no module yet
            .allowEmptyShould(true)
            .because("the core's wiring sits in one place, its runtime's @Module, and real time in the @Module beside "
                    + "the SystemScheduler it binds (DESIGN.md 4)");

    @ArchTest
    static final ArchRule NO_JAVAX_INJECT = noClasses()
            .should().dependOnClassesThat().resideInAPackage("javax.inject..")
            .because("the project uses jakarta.inject, never javax.inject (STYLE.md, Composition)");

    @ArchTest
    static final ArchRule ONLY_APPLICATIONS_COMPOSE = noClasses()
            .that().resideOutsideOfPackages(EXAMPLES, CLI, TESTKIT)
            .should().beAnnotatedWith("dagger.Component")
            .because("adapters ship modules and only applications compose them into components: the examples, the admin "
                    + "CLI and users; the test "
                    + "kit composes the in-memory one for users' tests (DESIGN.md 4)");

    @ArchTest
    static final ArchRule ADAPTER_IMPLEMENTATIONS_ARE_NOT_PUBLIC = classes()
            .that().resideInAnyPackage(ADAPTERS, SERIALIZER).and(implementADrivenPort())
            .should().notBePublic()
            .because("users get an adapter's ports from its Dagger module, never by constructing its implementations "
                    + "(STYLE.md, Names)");

    @ArchTest
    static final ArchRule ADAPTERS_EXPOSE_ONLY_THEIR_MODULE_SETTINGS_AND_DECLARED_API = classes()
            .that().resideInAnyPackage(MODULE_AND_SETTINGS_PACKAGES).and().arePublic().and().areTopLevelClasses()
            .and(not(DAGGER_GENERATED))
            .should(beAModuleASettingsRecordOrDeclaredApi())
            .because("an adapter's (and the serializer's) public face is its Dagger module and its settings record; "
                    + "implementations stay package-private, and sub-packages stay unexported (STYLE.md, Names)");

    @ArchTest
    static final ArchRule PORT_NAMES_CARRY_NO_TECHNOLOGY = classes()
            .that().resideInAPackage(PORTS)
            .should().haveSimpleNameNotContaining("Rabbit").andShould().haveSimpleNameNotContaining("Amqp")
            .andShould().haveSimpleNameNotContaining("Redis").andShould().haveSimpleNameNotContaining("Jedis")
            .andShould().haveSimpleNameNotContaining("Hibernate").andShould().haveSimpleNameNotContaining("Jpa")
            .andShould().haveSimpleNameNotContaining("Sql").andShould().haveSimpleNameNotContaining("Jdbc")
            .because("ports are role nouns in domain words (STYLE.md, Names)");

    @ArchTest
    static final ArchRule PORT_SIGNATURES_MENTION_NO_TECHNOLOGY = members()
            .that().areDeclaredInClassesThat().resideInAPackage(PORTS)
            .should(mentionNoTypeFrom(concat(RABBITMQ_CLIENT, REDIS_CLIENT, PERSISTENCE, DEPENDENCY_INJECTION)))
            .because("no com.rabbitmq, redis.clients, jakarta.persistence or java.sql type ever crosses a port "
                    + "(STYLE.md, Values and errors)");

    @ArchTest
    static final ArchRule TIME_GOES_THROUGH_THE_SCHEDULER = noClasses()
            .that().resideInAnyPackage(DOMAIN, CORE).and(not(aSchedulerImplementation()))
            .should().callMethodWhere(readsTheWallClockOrSleeps())
            .because("every rule about time reads it through the Scheduler port, so that a virtual clock runs minutes "
                    + "of traffic in milliseconds, deterministically (DESIGN.md 5)");

    private ArchitectureTest() {
    }

    private static ArchRule onlyInside(String adapter, String... libraryPackages) {
        return noClasses()
                .that().resideOutsideOfPackage(adapter)
                .should().dependOnClassesThat().resideInAnyPackage(libraryPackages)
                .because("each client library is the business of its own adapter, and none of its types crosses a "
                        + "port (DESIGN.md 4, STYLE.md)");
    }

    /** Implements an interface of the ports other than the Scheduler (whose implementations may be public API). */
    static DescribedPredicate<JavaClass> implementADrivenPort() {
        return DescribedPredicate.describe("implement a port (other than the Scheduler)", type ->
                type.getAllRawInterfaces().stream().anyMatch(port -> port.getPackageName().equals("io.eventsource.ports")
                        && !port.getName().equals("io.eventsource.ports.Scheduler")));
    }

    /** A Scheduler implementation, or a class nested in one: the one place that may read the system clock. */
    static DescribedPredicate<JavaClass> aSchedulerImplementation() {
        return DescribedPredicate.describe("implement the Scheduler port (or are nested in such a class)",
                ArchitectureTest::isOrIsInScheduler);
    }

    private static boolean isOrIsInScheduler(JavaClass type) {
        return type.isAssignableTo("io.eventsource.ports.Scheduler")
                || type.getEnclosingClass().map(ArchitectureTest::isOrIsInScheduler).orElse(false);
    }

    static DescribedPredicate<JavaMethodCall> readsTheWallClockOrSleeps() {
        return DescribedPredicate.describe("read the wall clock or sleep (System.currentTimeMillis/nanoTime, "
                + "Thread.sleep, TimeUnit.sleep, java.time's now(), Clock.system*)", call -> {
            JavaClass owner = call.getTargetOwner();
            String name = call.getName();
            return owner.isEquivalentTo(System.class) && (name.equals("currentTimeMillis") || name.equals("nanoTime"))
                    || owner.isEquivalentTo(Thread.class) && name.equals("sleep")
                    || owner.isEquivalentTo(TimeUnit.class) && name.equals("sleep")
                    || owner.getPackageName().equals("java.time") && name.equals("now")
                    || owner.isEquivalentTo(Clock.class) && name.startsWith("system");
        });
    }

    static ArchCondition<JavaClass> beAModuleASettingsRecordOrDeclaredApi() {
        return new ArchCondition<>("be the adapter's Dagger module, its *Settings record or declared API") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean module = type.isAnnotatedWith("dagger.Module");
                boolean settings = type.isRecord() && type.getSimpleName().endsWith("Settings");
                boolean declared = DECLARED_ADAPTER_API.contains(type.getName());
                if (!module && !settings && !declared) {
                    events.add(SimpleConditionEvent.violated(type, type.getName() + " is public but is neither a "
                            + "Dagger @Module, nor a *Settings record, nor declared adapter API"));
                }
            }
        };
    }

    static ArchCondition<JavaClass> beOneOf(Set<String> declared, String what) {
        return new ArchCondition<>("be one of the " + what + " " + new TreeSet<>(declared)) {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                if (!declared.contains(type.getName())) {
                    events.add(SimpleConditionEvent.violated(type, type.getName() + " is a Dagger module in the core "
                            + "but not one of the " + what));
                }
            }
        };
    }

    static ArchCondition<JavaMember> mentionNoTypeFrom(String... packages) {
        PackageMatchers technology = PackageMatchers.of(packages);
        return new ArchCondition<>("mention no type from " + String.join(", ", packages)) {
            @Override
            public void check(JavaMember member, ConditionEvents events) {
                Set<JavaClass> mentioned = new java.util.LinkedHashSet<>();
                if (member instanceof JavaField) {
                    mentioned.addAll(((JavaField) member).getType().getAllInvolvedRawTypes());
                } else if (member instanceof JavaCodeUnit) {
                    JavaCodeUnit code = (JavaCodeUnit) member;
                    mentioned.addAll(code.getReturnType().getAllInvolvedRawTypes());
                    code.getParameterTypes().forEach(type -> mentioned.addAll(type.getAllInvolvedRawTypes()));
                    code.getThrowsClause().getTypes().forEach(type -> mentioned.addAll(type.getAllInvolvedRawTypes()));
                    code.getTypeParameters().forEach(type -> mentioned.addAll(type.getAllInvolvedRawTypes()));
                }
                Set<String> offending = new TreeSet<>();
                for (JavaClass type : mentioned) {
                    JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
                    if (technology.test(base.getPackageName())) {
                        offending.add(base.getName());
                    }
                }
                if (!offending.isEmpty()) {
                    events.add(SimpleConditionEvent.violated(member, member.getFullName() + " mentions " + offending));
                }
            }
        };
    }

    private static String[] concat(String[]... groups) {
        List<String> all = new ArrayList<>();
        for (String[] group : groups) {
            all.addAll(List.of(group));
        }
        return all.toArray(String[]::new);
    }
}
