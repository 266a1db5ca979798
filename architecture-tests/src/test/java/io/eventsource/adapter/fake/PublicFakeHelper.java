package io.eventsource.adapter.fake;

/** Breaks: public, yet neither the module, nor the settings, nor declared API. */
public final class PublicFakeHelper {
}
