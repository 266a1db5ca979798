package io.eventsource.domain.violation;

import io.eventsource.ports.ServiceRegistry;

/** Breaks: the domain sees no other layer. */
public final class DomainSeeingThePorts {
    ServiceRegistry registry;
}
