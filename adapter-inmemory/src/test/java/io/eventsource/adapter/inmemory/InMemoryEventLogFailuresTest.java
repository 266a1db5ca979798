package io.eventsource.adapter.inmemory;

import io.eventsource.ports.EventLog;
import io.eventsource.tck.EventLogFailuresContract;

class InMemoryEventLogFailuresTest extends EventLogFailuresContract {
    @Override
    protected EventLog newEventLog() {
        return new InMemoryEventLog();
    }
}
