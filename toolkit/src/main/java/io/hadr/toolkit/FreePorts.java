package io.hadr.toolkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports on the loopback address that nothing listens on. */
public final class FreePorts {

    private FreePorts() {}

    /**
     * A port on 127.0.0.1 that was free a moment ago. Another process may take it before the
     * caller binds it: use it only for children that must be told their port in advance.
     */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }
}
