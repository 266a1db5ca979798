/**
 * The technology compatibility kit: an abstract contract suite per port ({@code *Contract}) that every
 * adapter's tests extend, and the lookup of the real services that integration tests need.
 */
module io.eventsource.tck {
    requires transitive io.eventsource.ports;
    // the suites are JUnit/jqwik test classes and assert with AssertJ: extenders need all three
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires transitive net.jqwik.api;

    exports io.eventsource.tck;
    exports io.eventsource.tck.services;

    // JUnit invokes the abstract suites' (package-private) test methods reflectively when the TCK is on the
    // module path; add net.jqwik.engine here once a suite has @Property methods (naming an absent module warns)
    opens io.eventsource.tck to org.junit.platform.commons;
}
