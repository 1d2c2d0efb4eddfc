package io.hadr.geodb;

import java.time.Duration;

/**
 * The failover group's two listeners on 127.0.0.1, like Azure's read-write
 * {@code <fog>.database.windows.net} and read-only {@code <fog>.secondary.database.windows.net}.
 *
 * @param readWritePort 0 (a free port chosen on first start and kept in the state file) or 1024–65535
 * @param readOnlyPort 0 or 1024–65535, like {@code readWritePort}
 * @param holdTimeout how long a new connection waits while a failover moves the listener, before
 *     it is released to the new primary or, after this time, closed; 0 closes at once (0–60 s)
 */
public record ListenerSettings(int readWritePort, int readOnlyPort, Duration holdTimeout) {

    public static final ListenerSettings DEFAULT = new ListenerSettings(0, 0, Duration.ofSeconds(5));

    public ListenerSettings {
        Checks.port("readWriteListenerPort", readWritePort);
        Checks.port("readOnlyListenerPort", readOnlyPort);
        Checks.between("listenerHoldTimeout", holdTimeout, Duration.ZERO, Duration.ofMinutes(1));
        if (readWritePort != 0 && readWritePort == readOnlyPort) {
            throw new IllegalArgumentException(
                    "readWriteListenerPort and readOnlyListenerPort must differ, but both were " + readWritePort);
        }
    }

    public ListenerSettings withReadWritePort(int port) {
        return new ListenerSettings(port, readOnlyPort, holdTimeout);
    }

    public ListenerSettings withReadOnlyPort(int port) {
        return new ListenerSettings(readWritePort, port, holdTimeout);
    }

    public ListenerSettings withHoldTimeout(Duration timeout) {
        return new ListenerSettings(readWritePort, readOnlyPort, timeout);
    }
}
