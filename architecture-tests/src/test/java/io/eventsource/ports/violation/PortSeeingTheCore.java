package io.eventsource.ports.violation;

import io.eventsource.core.violation.CoreRuntime;

/** Breaks: ports see only the domain. */
public interface PortSeeingTheCore {
    CoreRuntime runtime();
}
