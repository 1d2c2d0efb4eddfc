package io.hadr.local;

/** The body of {@code POST /v1/apps/{region}/scale}: the instance count the region is to run. */
public record ScaleRequest(int instances) {

    public ScaleRequest {
        AppScaling.checkCount(instances);
    }
}
