package io.eventsource.core.violation;

/** Breaks: jakarta.inject, never javax.inject. */
public final class CoreUsingJavaxInject {
    javax.inject.Provider<CoreRuntime> runtime;
}
