package io.eventsource.adapter.inmemory;

import io.eventsource.ports.EventLog;
import io.eventsource.tck.EventLogContract;

class InMemoryEventLogTest extends EventLogContract {
    @Override
    protected EventLog newEventLog() {
        return new InMemoryEventLog();
    }
}
