/**
 * Abstract contract suites, one per port, and failure suites for the stores: an adapter proves itself by a test
 * class that extends the suites of each port it implements and supplies the instance under test.
 * {@code *Contract} checks what the port does; {@link io.eventsource.tck.EventLogFailuresContract} and
 * {@link io.eventsource.tck.AckStoreFailuresContract} what it refuses and with which exception;
 * {@link io.eventsource.tck.EventLogConnectionFailuresContract} and
 * {@link io.eventsource.tck.AckStoreConnectionFailuresContract} how it fails when its store goes away, through a
 * {@link io.eventsource.tck.services.FaultProxy}. docs/writing-an-adapter.md says how to use them.
 */
package io.eventsource.tck;
