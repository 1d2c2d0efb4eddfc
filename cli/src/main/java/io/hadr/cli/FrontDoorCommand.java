package io.hadr.cli;

import io.hadr.core.platform.OriginChange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "frontdoor",
        mixinStandardHelpOptions = true,
        description = "Change the running front door, like an Azure Resource Manager update.",
        subcommands = FrontDoorCommand.Origin.class)
final class FrontDoorCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(), "say what to change, e.g. 'hadr frontdoor origin centralindia disable'");
    }

    @Command(
            name = "origin",
            mixinStandardHelpOptions = true,
            description = {
                "Enable or disable a region's origin, or change its priority (1-5) or weight (1-1000).",
                "Examples: hadr frontdoor origin centralindia disable",
                "          hadr frontdoor origin southindia --priority 1 --weight 500"
            })
    static final class Origin extends ControlCommand {

        @Parameters(index = "0", paramLabel = "REGION", description = "Region id, e.g. centralindia.")
        String region;

        @Parameters(
                index = "1",
                arity = "0..1",
                paramLabel = "enable|disable",
                description = "Enable or disable the origin.")
        String switchTo;

        @Option(names = "--priority", paramLabel = "N", description = "New priority, 1 (first) to 5.")
        Integer priority;

        @Option(names = "--weight", paramLabel = "N", description = "New weight, 1 to 1000.")
        Integer weight;

        @Option(names = "--json", description = "Print the origin afterwards as JSON for programs.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Boolean enabled = null;
            if (switchTo != null) {
                switch (switchTo) {
                    case "enable" -> enabled = true;
                    case "disable" -> enabled = false;
                    default ->
                        throw new ParameterException(spec.commandLine(), "'" + switchTo + "' is not enable or disable");
                }
            }
            if (enabled == null && priority == null && weight == null) {
                throw new ParameterException(
                        spec.commandLine(), "say what to change: enable, disable, --priority N or --weight N");
            }
            OriginChange change;
            try {
                change = new OriginChange(enabled, priority, weight);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            return print(
                    json,
                    client().origin(region, change),
                    (origin, out) -> out.println(ActionView.line(region, origin)));
        }
    }
}
