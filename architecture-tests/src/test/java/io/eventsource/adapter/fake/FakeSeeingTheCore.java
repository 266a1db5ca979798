package io.eventsource.adapter.fake;

import io.eventsource.core.violation.CoreRuntime;

/** Breaks: adapters do not see the core. */
final class FakeSeeingTheCore {
    CoreRuntime runtime;
}
