package io.hadr.cli;

import io.hadr.core.platform.LinkFault;
import io.hadr.core.topology.Durations;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
        name = "link",
        mixinStandardHelpOptions = true,
        description = {
            "The local environment's link between the regions: replication, seeding and every",
            "app connection to the other region's database server go through it.",
            "  latency D   every byte takes D one way (topology: local.interRegionLatency, default 10ms)",
            "  partition   nothing crosses; connections stall (bytes held, nothing reset) and",
            "              PostgreSQL's own timeouts act; async replication falls behind",
            "  heal        held bytes flow again; the latency stays",
            "Without a subcommand (or with status): the link now."
        },
        subcommands = {
            LinkCommand.Latency.class,
            LinkCommand.Partition.class,
            LinkCommand.Heal.class,
            LinkCommand.Status.class
        })
final class LinkCommand extends ControlCommand {

    /** The link's largest one-way latency, as the topology allows it. */
    static final Duration MAX_LATENCY = Duration.ofSeconds(10);

    @Option(names = "--json", description = "Print JSON for programs.")
    boolean json;

    /** {@code hadr link} alone shows the link, like {@code hadr link status}. */
    @Override
    public Integer call() throws Exception {
        return print(json, client().link(), StatusView.LinkView::print);
    }

    /** One change of the link, through the control API; prints the link afterwards. */
    abstract static class Change extends ControlCommand {
        @Option(names = "--json", description = "Print the link afterwards as JSON for programs.")
        boolean json;

        abstract LinkFault fault();

        @Override
        public Integer call() throws Exception {
            LinkFault fault = fault();
            return print(json, client().link(fault), (link, out) -> out.println(StatusView.LinkView.line(link)));
        }
    }

    @Command(
            name = "latency",
            mixinStandardHelpOptions = true,
            description = "Set the one-way latency, e.g. 10ms, 50ms, 1s (0ms to 10s).")
    static final class Latency extends Change {
        @Parameters(paramLabel = "DURATION", description = "One way, like 10ms or 1s.")
        String duration;

        @Override
        LinkFault fault() {
            Duration oneWay;
            try {
                oneWay = Durations.parse(duration);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (oneWay.isNegative() || oneWay.compareTo(MAX_LATENCY) > 0) {
                throw new ParameterException(
                        spec.commandLine(), "the link's latency is 0ms to 10s one way, but " + duration + " was given");
            }
            return new LinkFault.Latency(oneWay);
        }
    }

    @Command(
            name = "partition",
            mixinStandardHelpOptions = true,
            description = "Cut the link: nothing crosses until 'hadr link heal'.")
    static final class Partition extends Change {
        @Override
        LinkFault fault() {
            return new LinkFault.Partition();
        }
    }

    @Command(name = "heal", mixinStandardHelpOptions = true, description = "End a partition; the latency stays.")
    static final class Heal extends Change {
        @Override
        LinkFault fault() {
            return new LinkFault.Heal();
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Latency, partition and traffic of the link.")
    static final class Status extends ControlCommand {
        @Option(names = "--json", description = "Print JSON for programs.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return print(json, client().link(), StatusView.LinkView::print);
        }
    }
}
