package io.eventsource.core.violation;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Breaks: the core parses no JSON; typed events go through the EventSerializer port. */
public final class CoreParsingJson {
    ObjectMapper mapper;
}
