package io.hadr.local;

import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.topology.FrontDoorSpec;
import io.hadr.core.topology.ProbeMethod;
import io.hadr.core.topology.Topology;
import io.hadr.frontdoor.FrontDoorConfig;
import io.hadr.frontdoor.OriginConfig;
import io.hadr.frontdoor.OriginStatus;
import io.hadr.frontdoor.OriginUpdate;
import io.hadr.frontdoor.ProbeProtocol;
import io.hadr.frontdoor.ProbeRequestType;
import java.util.List;
import java.util.Map;

/**
 * Maps a topology onto the front door's own configuration: one origin per app instance (named by
 * the instance, e.g. {@code centralindia-0}) with its region's priority, weight and enabled flag;
 * and the origins' state back onto a region for {@code hadr status}.
 */
final class FrontDoors {

    private FrontDoors() {}

    static FrontDoorConfig config(
            Topology topology, String frontDoorId, int port, Map<String, List<AppInstance>> appsByRegion) {
        FrontDoorSpec spec = topology.frontDoor();
        FrontDoorConfig.Builder builder = FrontDoorConfig.builder()
                .host("127.0.0.1")
                .port(port)
                .frontDoorId(frontDoorId)
                .probePath(spec.probe().path())
                .probeRequestType(
                        spec.probe().method() == ProbeMethod.GET ? ProbeRequestType.GET : ProbeRequestType.HEAD)
                .probeProtocol(
                        spec.probe().protocol() == io.hadr.core.topology.ProbeProtocol.HTTPS
                                ? ProbeProtocol.HTTPS
                                : ProbeProtocol.HTTP)
                .probeInterval(spec.probe().interval())
                .sampleSize(spec.loadBalancing().sampleSize())
                .successfulSamplesRequired(spec.loadBalancing().successfulSamplesRequired())
                .additionalLatency(spec.loadBalancing().additionalLatency())
                .originResponseTimeout(spec.originResponseTimeout())
                .sessionAffinity(spec.sessionAffinity())
                .retryOnNextOrigin(spec.retryOnNextOrigin());
        for (FrontDoorSpec.Origin origin : spec.origins()) {
            for (AppInstance app : appsByRegion.get(origin.regionId())) {
                builder.origin(
                        new OriginConfig(app.id(), app.url(), origin.priority(), origin.weight(), origin.enabled()));
            }
        }
        return builder.build();
    }

    /** The front door's own update for an origin change (the ranges were checked by both). */
    static OriginUpdate update(OriginChange change) {
        OriginUpdate update = OriginUpdate.none();
        if (change.enabled() != null) {
            update = update.withEnabled(change.enabled());
        }
        if (change.priority() != null) {
            update = update.withPriority(change.priority());
        }
        if (change.weight() != null) {
            update = update.withWeight(change.weight());
        }
        return update;
    }

    /** A region's origin as {@code hadr status} shows it: the region's instances taken together; null without instances. */
    static EnvironmentStatus.OriginStatus regionOrigin(List<OriginStatus> instances) {
        if (instances.isEmpty()) {
            return null;
        }
        OriginStatus first = instances.get(0);
        return new EnvironmentStatus.OriginStatus(
                first.priority(),
                first.weight(),
                instances.stream().anyMatch(OriginStatus::enabled),
                instances.stream().anyMatch(OriginStatus::healthy),
                instances.stream().map(OriginStatus::probeHistory).toList(),
                first.lastProbeLatency().map(d -> d.toNanos() / 1e6).orElse(null),
                instances.stream().mapToLong(OriginStatus::requestsServed).sum(),
                instances.stream().mapToLong(OriginStatus::failures).sum());
    }
}
