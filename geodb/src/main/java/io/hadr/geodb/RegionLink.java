package io.hadr.geodb;

import java.time.Duration;

/**
 * The network between the failover group's two regions. Each server stands in its own region;
 * every database byte that crosses from one region to the other goes through this link:
 * replication (the secondary's connection to the primary), the base backup that seeds a
 * secondary, and every client connection made through a listener of one region to a server in
 * the other.
 *
 * <p>The link adds a one-way latency to every byte in each direction, and can be partitioned:
 * then nothing crosses, and connections stall as on a cut link (bytes are held, nothing is
 * reset; PostgreSQL's own timeouts act as they would). {@link #heal()} lets the held bytes flow
 * again, one latency after the heal; the configured latency stays.
 */
public interface RegionLink {

    /** The largest one-way latency the link accepts. */
    Duration MAX_LATENCY = Duration.ofSeconds(10);

    /** The one-way latency now. */
    Duration latency();

    /**
     * Sets the one-way latency for bytes sent from now on. Bytes already on their way keep their
     * arrival time, and nothing overtakes what was sent before it.
     *
     * @param oneWay 0 to {@link #MAX_LATENCY}
     */
    void latency(Duration oneWay);

    /** Cuts the link: nothing crosses until {@link #heal()}. Does nothing when it is already cut. */
    void partition();

    /** Ends a partition: held bytes arrive one latency from now. Does nothing when the link is whole. */
    void heal();

    /** Latency, partition and what is crossing now. */
    LinkStatus status();
}
