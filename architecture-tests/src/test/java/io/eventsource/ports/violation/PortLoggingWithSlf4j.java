package io.eventsource.ports.violation;

import org.slf4j.Logger;

/** Breaks: ports depend on the domain and the JDK only. */
public interface PortLoggingWithSlf4j {
    Logger logger();
}
