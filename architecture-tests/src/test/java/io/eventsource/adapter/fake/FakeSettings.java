package io.eventsource.adapter.fake;

/** Allowed: an adapter's public settings record. */
public record FakeSettings(String address) {
}
