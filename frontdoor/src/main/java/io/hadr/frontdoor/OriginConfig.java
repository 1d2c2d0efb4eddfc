package io.hadr.frontdoor;

import io.hadr.frontdoor.internal.Checks;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One origin of the origin group, as in an Azure Front Door {@code Microsoft.Cdn/profiles/originGroups/origins}
 * resource.
 *
 * <p>Ranges are Azure's (REST API spec {@code afdx.json}, {@code AFDOriginUpdatePropertiesParameters}):
 * {@code priority} 1–5, lower is preferred; {@code weight} 1–1000. Defaults of {@link #of(String, URI)}
 * are priority 1 and weight 50 (the default weight named in Azure's "Traffic routing methods to
 * origin" page).
 *
 * @param name unique within the front door; letters, digits, {@code -}, {@code _} and {@code .}, at
 *     most 90 characters
 * @param address where the origin listens: an absolute {@code http} or {@code https} URI with a host
 *     and optionally a port, and no path, query or fragment (like Azure's {@code hostName} plus
 *     {@code httpPort}/{@code httpsPort}); the request path is appended to it
 * @param priority 1 (preferred) to 5
 * @param weight 1 to 1000, the share among origins of equal priority and similar latency
 * @param enabled a disabled origin never gets traffic (Azure's {@code enabledState})
 */
public record OriginConfig(String name, URI address, int priority, int weight, boolean enabled) {

    /** Azure's range for {@code priority}. */
    public static final int MIN_PRIORITY = 1;

    public static final int MAX_PRIORITY = 5;
    /** Azure's range for {@code weight}. */
    public static final int MIN_WEIGHT = 1;

    public static final int MAX_WEIGHT = 1000;
    public static final int DEFAULT_PRIORITY = 1;
    public static final int DEFAULT_WEIGHT = 50;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,89}");

    public OriginConfig {
        Checks.notBlank("origin name", name);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("origin name must be 1 to 90 letters, digits, '.', '_' or '-' "
                    + "starting with a letter or digit, but was " + Checks.quote(name));
        }
        Checks.notNull("address of origin '" + name + "'", address);
        String where = "address of origin '" + name + "'";
        String scheme = address.getScheme() == null ? null : address.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException(
                    where + " must be an absolute http or https URI, but was '" + address + "'");
        }
        if (address.getHost() == null || address.getHost().isBlank()) {
            throw new IllegalArgumentException(where + " must name a host, but was '" + address + "'");
        }
        String path = address.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/"))
                || address.getRawQuery() != null
                || address.getRawFragment() != null
                || address.getRawUserInfo() != null) {
            throw new IllegalArgumentException(where + " must be scheme://host[:port] without path, query, fragment "
                    + "or user info, but was '" + address + "'");
        }
        Checks.between("priority of origin '" + name + "'", priority, MIN_PRIORITY, MAX_PRIORITY);
        Checks.between("weight of origin '" + name + "'", weight, MIN_WEIGHT, MAX_WEIGHT);
        address = URI.create(scheme + "://" + address.getRawAuthority());
    }

    /** An enabled origin with priority 1 and weight 50. */
    public static OriginConfig of(String name, URI address) {
        return new OriginConfig(name, address, DEFAULT_PRIORITY, DEFAULT_WEIGHT, true);
    }

    /** An enabled origin with the given priority and weight. */
    public static OriginConfig of(String name, URI address, int priority, int weight) {
        return new OriginConfig(name, address, priority, weight, true);
    }

    public OriginConfig withPriority(int newPriority) {
        return new OriginConfig(name, address, newPriority, weight, enabled);
    }

    public OriginConfig withWeight(int newWeight) {
        return new OriginConfig(name, address, priority, newWeight, enabled);
    }

    public OriginConfig withEnabled(boolean newEnabled) {
        return new OriginConfig(name, address, priority, weight, newEnabled);
    }

    /** This origin with the present fields of {@code update} applied. */
    public OriginConfig apply(OriginUpdate update) {
        return new OriginConfig(
                name,
                address,
                update.priority().orElse(priority),
                update.weight().orElse(weight),
                update.enabled().orElse(enabled));
    }
}
