package io.eventsource.core.violation;

import io.eventsource.cli.EventsourceCli;

/** Breaks: the admin CLI is an application; nothing of the library may lean on it. */
final class CoreSeeingTheCli {
    EventsourceCli cli;
}
