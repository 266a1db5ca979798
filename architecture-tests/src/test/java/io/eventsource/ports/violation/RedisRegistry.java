package io.eventsource.ports.violation;

/** Breaks: a port's name is a role noun in domain words, with no technology in it. */
public interface RedisRegistry {
}
