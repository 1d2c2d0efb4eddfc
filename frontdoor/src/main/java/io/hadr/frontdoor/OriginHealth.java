package io.hadr.frontdoor;

/**
 * Health of one origin as the front door sees it.
 *
 * <p>Azure Front Door counts an origin healthy when at least {@code successfulSamplesRequired} of
 * its last {@code sampleSize} probes answered {@code 200}. There is no third state: before the
 * first scheduled probe, {@link FrontDoor#start(FrontDoorConfig)} runs one synchronous probe round
 * and seeds every origin's window with that result, so health is known from the first request on.
 */
public enum OriginHealth {
    HEALTHY,
    UNHEALTHY;

    /** {@code HEALTHY} when {@code healthy} is true, {@code UNHEALTHY} otherwise. */
    public static OriginHealth of(boolean healthy) {
        return healthy ? HEALTHY : UNHEALTHY;
    }

    public boolean isHealthy() {
        return this == HEALTHY;
    }
}
