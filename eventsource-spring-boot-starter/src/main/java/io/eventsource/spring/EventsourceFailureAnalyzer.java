package io.eventsource.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link EventsourceConfigurationException} at start-up as Spring Boot reports its own configuration
 * mistakes: what is wrong (naming the property or the handler), then what to do, without a stack trace to dig through.
 */
public final class EventsourceFailureAnalyzer extends AbstractFailureAnalyzer<EventsourceConfigurationException> {

    /** Made by Spring Boot from {@code META-INF/spring.factories}. */
    public EventsourceFailureAnalyzer() {
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EventsourceConfigurationException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
