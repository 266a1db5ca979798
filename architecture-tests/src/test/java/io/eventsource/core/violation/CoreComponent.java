package io.eventsource.core.violation;

import dagger.Component;

/** Breaks: only the examples (and users) compose. */
@Component(modules = CoreWiring.class)
public interface CoreComponent {
    CoreRuntime runtime();
}
