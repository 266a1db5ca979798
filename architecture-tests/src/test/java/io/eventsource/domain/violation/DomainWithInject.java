package io.eventsource.domain.violation;

import jakarta.inject.Inject;

/** Breaks: the domain carries no DI annotations. */
public final class DomainWithInject {
    @Inject
    public DomainWithInject() {
    }
}
