/** Contract test suites for every port: each adapter's tests extend them. */
module io.eventsource.tck {
    requires transitive io.eventsource.ports;
}
