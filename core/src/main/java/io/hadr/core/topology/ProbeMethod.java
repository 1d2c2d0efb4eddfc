package io.hadr.core.topology;

/** Front Door's {@code probeRequestType}. */
public enum ProbeMethod {
    HEAD,
    GET
}
