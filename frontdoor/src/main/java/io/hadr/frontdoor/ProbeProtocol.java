package io.hadr.frontdoor;

/**
 * The protocol of a health probe ({@code probeProtocol} of an Azure Front Door origin group).
 *
 * <p>Azure sends probes to the same port it uses to forward requests; hadr does the same: the probe
 * goes to the host and port of the origin's address with this protocol's scheme.
 */
public enum ProbeProtocol {
    HTTP("http"),
    HTTPS("https");

    private final String scheme;

    ProbeProtocol(String scheme) {
        this.scheme = scheme;
    }

    /** The URI scheme of this protocol: {@code http} or {@code https}. */
    public String scheme() {
        return scheme;
    }
}
