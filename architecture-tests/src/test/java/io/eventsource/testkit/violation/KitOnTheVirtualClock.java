package io.eventsource.testkit.violation;

import io.eventsource.adapter.inmemory.VirtualScheduler;

/** Allowed: the test kit drives the in-memory adapter and its virtual clock. */
public final class KitOnTheVirtualClock {
    VirtualScheduler clock;
}
