package io.hadr.azure;

/**
 * Where one topology setting went in the ARM template.
 *
 * @param setting the topology setting as written in hadr.yaml, e.g. {@code frontDoor.healthProbe.interval}
 * @param target the template value it sets, e.g. {@code Microsoft.Cdn/profiles/originGroups
 *     healthProbeSettings.probeIntervalInSeconds}; null when it is local-only
 * @param note why it is local-only, or how it is used; never null
 * @param adjustment how the value was changed to fit Azure's range, or null when it was not
 */
public record TopologyMapping(String setting, String target, String note, String adjustment) {

    public boolean localOnly() {
        return target == null;
    }

    static TopologyMapping to(String setting, String target, String note) {
        return new TopologyMapping(setting, target, note, null);
    }

    static TopologyMapping localOnly(String setting, String why) {
        return new TopologyMapping(setting, null, why, null);
    }

    TopologyMapping adjusted(String adjustment) {
        return new TopologyMapping(setting, target, note, adjustment);
    }

    /** One line for people: {@code frontDoor.retryOnNextOrigin: local-only (why)}. */
    @Override
    public String toString() {
        if (target == null) {
            return setting + ": local-only: " + note;
        }
        return setting + " -> " + target + (note.isEmpty() ? "" : " (" + note + ")")
                + (adjustment == null ? "" : "; adjusted: " + adjustment);
    }
}
