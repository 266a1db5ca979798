/**
 * Abstract contract suites, one per port. An adapter proves itself by a test class that extends the
 * suite of each port it implements and supplies the instance under test.
 */
package io.eventsource.tck;
