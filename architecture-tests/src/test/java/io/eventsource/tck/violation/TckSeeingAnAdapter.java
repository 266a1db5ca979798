package io.eventsource.tck.violation;

import io.eventsource.adapter.fake.FakeSettings;

/** Breaks: the TCK knows the ports, not any adapter. */
public final class TckSeeingAnAdapter {
    FakeSettings settings;
}
