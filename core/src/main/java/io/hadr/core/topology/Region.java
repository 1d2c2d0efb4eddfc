package io.hadr.core.topology;

/**
 * One region of the topology.
 *
 * @param id Azure's region name, e.g. {@code centralindia}
 * @param displayName what App Service puts in {@code REGION_NAME}, e.g. {@code Central India}
 * @param role the role at start
 * @param appInstances how many app instances this region runs (App Service instance count)
 */
public record Region(String id, String displayName, RegionRole role, int appInstances) {

    public boolean isPrimary() {
        return role == RegionRole.PRIMARY;
    }
}
