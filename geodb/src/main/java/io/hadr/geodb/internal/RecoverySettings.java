package io.hadr.geodb.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The archive-recovery part of a restored server's {@code hadr.conf}: where its WAL comes from,
 * where the replay stops, and on which timeline.
 *
 * @param restoreCommand the {@code restore_command}
 * @param target the {@code recovery_target_*} settings (empty: replay everything)
 * @param timeline the {@code recovery_target_timeline} to follow
 */
public record RecoverySettings(String restoreCommand, Map<String, String> target, int timeline) {

    public RecoverySettings {
        target = Collections.unmodifiableMap(new LinkedHashMap<>(target));
    }
}
