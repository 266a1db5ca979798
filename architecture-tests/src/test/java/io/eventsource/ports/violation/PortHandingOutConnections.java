package io.eventsource.ports.violation;

import java.sql.Connection;
import java.util.List;

/** Breaks: no technology type in a port's signature (here inside a generic type: java.sql passes "java.."). */
public interface PortHandingOutConnections {
    List<Connection> connections();
}
