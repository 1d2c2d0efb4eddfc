package io.hadr.core.topology;

/** Front Door's {@code probeProtocol}. */
public enum ProbeProtocol {
    HTTP,
    HTTPS
}
