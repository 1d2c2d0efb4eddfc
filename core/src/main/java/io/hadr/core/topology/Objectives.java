package io.hadr.core.topology;

import java.time.Duration;

/**
 * What the business asks of disaster recovery; drills compare their measurements with these.
 *
 * @param rto recovery time objective: the longest acceptable outage
 * @param rpo recovery point objective: the longest span of acknowledged writes that may be lost
 */
public record Objectives(Duration rto, Duration rpo) {}
