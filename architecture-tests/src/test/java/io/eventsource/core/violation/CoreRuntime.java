package io.eventsource.core.violation;

/** A core class for other fixtures to reach into; breaks nothing itself. */
public final class CoreRuntime {
}
