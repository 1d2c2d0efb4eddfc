package io.hadr.azure.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * An ARM request path read for people: {@code /subscriptions/s/resourceGroups/g/providers/Microsoft.Sql/servers/a/failoverGroups/b/failover}
 * is the resource {@code Microsoft.Sql/servers/failoverGroups b (in servers a)} and the action {@code failover}.
 */
public record ResourcePath(String type, String name, String parent, String action) {

    /** Parses a path (query string allowed); paths hadr does not recognise are described as they are. */
    public static ResourcePath parse(String path) {
        String clean = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String[] parts = clean.replaceAll("^/+", "").split("/");
        int providers = -1;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equalsIgnoreCase("providers")) {
                providers = i;
            }
        }
        if (providers < 0 || providers + 1 >= parts.length) {
            if (parts.length >= 4 && parts[2].equalsIgnoreCase("resourceGroups")) {
                return new ResourcePath(
                        "resource group", parts[3], null, parts.length > 4 ? parts[parts.length - 1] : null);
            }
            return new ResourcePath("resource", clean, null, null);
        }
        String namespace = parts[providers + 1];
        List<String> types = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int i = providers + 2;
        while (i + 1 < parts.length) {
            types.add(parts[i]);
            names.add(parts[i + 1]);
            i += 2;
        }
        String action = i < parts.length ? parts[i] : null;
        if (types.isEmpty()) {
            return new ResourcePath(namespace, "", null, action);
        }
        String type = namespace + "/" + String.join("/", types);
        String parent = names.size() > 1 ? types.get(types.size() - 2) + " " + names.get(names.size() - 2) : null;
        return new ResourcePath(type, names.get(names.size() - 1), parent, action);
    }

    /** {@code Microsoft.Sql/servers/failoverGroups hadr-fog (in servers hadr-ci)}. */
    public String describe() {
        return type + " " + name + (parent == null ? "" : " (in " + parent + ")");
    }
}
