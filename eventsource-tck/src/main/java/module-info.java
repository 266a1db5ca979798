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

    // JUnit and jqwik instantiate and invoke the abstract suites' test methods reflectively
    opens io.eventsource.tck to org.junit.platform.commons, net.jqwik.engine;
}
