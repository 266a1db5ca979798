package io.eventsource.adapter.fake;

import io.eventsource.jackson.JacksonSettings;

/** Breaks: adapters do not see the serializer module (they may use a JSON library of their own). */
final class FakeSeeingTheSerializer {
    JacksonSettings settings;
}
