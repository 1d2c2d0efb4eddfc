package io.hadr.drill;

import io.hadr.core.topology.Topology;
import io.hadr.core.topology.TopologyLoader;
import io.hadr.drill.spec.Drill;
import io.hadr.drill.spec.DrillParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** The drills that ship with hadr, as YAML resources written like any user's drill file. */
public final class BuiltInDrills {

    /** A built-in drill's name and what it does. */
    public record BuiltInDrill(String name, String title, String description) {}

    /** In the order {@code hadr drill list} shows them (and {@code hadr demo} runs them). */
    public static final List<String> NAMES =
            List.of("app-outage", "db-planned-failover", "db-forced-failover", "region-outage", "pitr", "failback");

    private BuiltInDrills() {}

    /** Every built-in drill, read against the built-in topology for its title and description. */
    public static List<BuiltInDrill> list() {
        Topology topology = TopologyLoader.builtIn();
        return NAMES.stream()
                .map(name -> {
                    Drill drill = load(name, topology).orElseThrow();
                    return new BuiltInDrill(
                            name, drill.title(), drill.description().strip());
                })
                .toList();
    }

    /** The built-in drill of this name, its regions resolved against {@code topology}. */
    public static Optional<Drill> load(String name, Topology topology) {
        return text(name).map(text -> DrillParser.parse(name, "built-in drill " + name, text, topology));
    }

    /** The YAML text of a built-in drill. */
    public static Optional<String> text(String name) {
        if (!NAMES.contains(name)) {
            return Optional.empty();
        }
        try (InputStream in = BuiltInDrills.class.getResourceAsStream("builtin/" + name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("the built-in drill " + name + " is missing from hadr's jar");
            }
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
