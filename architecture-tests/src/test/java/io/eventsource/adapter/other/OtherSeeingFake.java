package io.eventsource.adapter.other;

import io.eventsource.adapter.fake.FakeSettings;

/** Breaks: adapters do not see each other. */
final class OtherSeeingFake {
    FakeSettings settings;
}
