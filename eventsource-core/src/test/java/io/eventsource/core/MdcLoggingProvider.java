package io.eventsource.core;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPLoggerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of this module's tests (named by the {@code slf4j.provider} property in the module's POM): the
 * loggers of slf4j-simple, whose own MDC keeps nothing, with an MDC that keeps its entries, so that
 * {@link EventTracingTest} can read what the listener puts there around a handler.
 */
public final class MdcLoggingProvider implements SLF4JServiceProvider {
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private ILoggerFactory loggers;

    /** The provider, as SLF4J makes it. */
    public MdcLoggingProvider() {
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        try {
            // slf4j-simple is a test dependency that this module does not read: its provider is found by name
            SLF4JServiceProvider simple = (SLF4JServiceProvider) Class.forName("org.slf4j.simple.SimpleServiceProvider")
                    .getConstructor().newInstance();
            simple.initialize();
            loggers = simple.getLoggerFactory();
        } catch (ReflectiveOperationException | LinkageError e) {
            loggers = new NOPLoggerFactory();
        }
    }
}
