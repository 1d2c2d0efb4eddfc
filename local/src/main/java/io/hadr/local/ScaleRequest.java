package io.hadr.local;

/**
 * The body of {@code POST /v1/scale/{region}}: the instance count the region is to run, like
 * App Service's instance count. Zero is allowed: a warm standby's secondary runs no app until a
 * recovery scales it up.
 */
public record ScaleRequest(int instances) {

    /** App Service's per-plan limits are larger; the local environment's machine holds this many per region. */
    public static final int MAX_INSTANCES = 10;

    public ScaleRequest {
        check(instances);
    }

    /**
     * Returns {@code instances} when a region may run that many.
     *
     * @throws IllegalArgumentException naming the allowed range and the value
     */
    public static int check(int instances) {
        if (instances < 0 || instances > MAX_INSTANCES) {
            throw new IllegalArgumentException("an app scales to 0 to " + MAX_INSTANCES + " instances per region, but "
                    + instances + " was asked for");
        }
        return instances;
    }
}
