package io.hadr.frontdoor;

/**
 * The HTTP method of a health probe ({@code probeRequestType} of an Azure Front Door origin group).
 *
 * <p>Azure Front Door sends {@code HEAD} by default for new profiles and recommends it, because it
 * costs the origin less than {@code GET}.
 */
public enum ProbeRequestType {
    HEAD,
    GET
}
