/**
 * The driven ports. Each speaks in domain words only: no broker, Redis, SQL or persistence type crosses
 * one. An infrastructure failure crosses a port only as a {@link io.eventsource.ports.PortException}:
 * {@link io.eventsource.ports.TransientPortException} when a retry may help,
 * {@link io.eventsource.ports.PermanentPortException} when it will not. Every port has an abstract contract
 * suite in the {@code io.eventsource.tck} module that each adapter passes.
 */
package io.eventsource.ports;
