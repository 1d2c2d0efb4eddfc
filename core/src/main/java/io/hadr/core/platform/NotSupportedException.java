package io.hadr.core.platform;

/** The platform cannot do this at all (e.g. Azure cannot take an Azure SQL region down on request). */
public final class NotSupportedException extends PlatformException {

    private final Capability capability;

    private NotSupportedException(Capability capability, String message) {
        super(message);
        this.capability = capability;
    }

    public static NotSupportedException of(String platform, Capability capability) {
        return new NotSupportedException(
                capability, "the " + platform + " platform cannot " + capability.description());
    }

    public static NotSupportedException of(String platform, Capability capability, String why) {
        return new NotSupportedException(
                capability, "the " + platform + " platform cannot " + capability.description() + ": " + why);
    }

    public Capability capability() {
        return capability;
    }
}
