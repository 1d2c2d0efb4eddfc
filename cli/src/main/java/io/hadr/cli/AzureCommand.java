package io.hadr.cli;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import io.hadr.azure.ArmTemplate;
import io.hadr.azure.AzureDeployer;
import io.hadr.azure.AzurePlatform;
import io.hadr.azure.AzureTarget;
import io.hadr.azure.TemplateFiles;
import io.hadr.azure.TopologyMapping;
import io.hadr.core.json.Json;
import io.hadr.core.platform.EnvironmentStatus;
import io.hadr.core.topology.Topology;
import io.hadr.local.AppJar;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hadr azure template|up|status|down}: the same topology on Azure. Credentials come from
 * azure-identity's default chain ({@code az login}, environment variables, managed identity);
 * subscription, resource group and location from flags or the az CLI's environment variables.
 */
@Command(
        name = "azure",
        mixinStandardHelpOptions = true,
        description =
                "Run the topology on Azure: App Service in both regions, Front Door, Azure SQL with a failover group.",
        subcommands = {
            AzureCommand.Template.class,
            AzureCommand.Up.class,
            AzureCommand.Status.class,
            AzureCommand.Down.class
        })
final class AzureCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where on Azure: flags first, then the az CLI's environment variables, then defaults from the topology. */
    static final class Target {
        @Option(
                names = "--subscription",
                paramLabel = "ID",
                description = "Subscription id (default: $" + AzureTarget.ENV_SUBSCRIPTION + ").")
        String subscription;

        @Option(
                names = {"-g", "--resource-group"},
                paramLabel = "NAME",
                description = "Resource group (default: $" + AzureTarget.ENV_GROUP + ", else <topology name>-rg).")
        String group;

        @Option(
                names = {"-l", "--location"},
                paramLabel = "REGION",
                description = "Where to create the resource group if it does not exist (default: $"
                        + AzureTarget.ENV_LOCATION + ", else the primary region).")
        String location;

        @Option(
                names = "--arm-endpoint",
                paramLabel = "URL",
                description = "Azure Resource Manager of another cloud (default: $" + AzureTarget.ENV_ARM_ENDPOINT
                        + ", else https://management.azure.com).")
        String armEndpoint;

        AzureTarget resolve(Topology topology) {
            return AzureTarget.resolve(
                    subscription,
                    group,
                    location,
                    armEndpoint,
                    System.getenv(),
                    topology.name() + "-rg",
                    topology.primary().id());
        }
    }

    static TokenCredential credential() {
        return new DefaultAzureCredentialBuilder().build();
    }

    static Consumer<String> printer(PrintWriter out) {
        return line -> {
            out.println(line);
            out.flush();
        };
    }

    @Command(
            name = "template",
            mixinStandardHelpOptions = true,
            description =
                    "Write the ARM template and its parameters file for the topology (deploy them with 'az deployment group create').")
    static final class Template implements Callable<Integer> {
        @Mixin
        TopologyOption topology;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "DIR",
                defaultValue = "azure",
                description = "Where to write " + TemplateFiles.TEMPLATE_FILE + " and " + TemplateFiles.PARAMETERS_FILE
                        + " (default: ${DEFAULT-VALUE}).")
        Path output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Topology t = topology.load();
            TemplateFiles files = ArmTemplate.generate(t);
            Files.createDirectories(output);
            Path template = output.resolve(TemplateFiles.TEMPLATE_FILE);
            Path parameters = output.resolve(TemplateFiles.PARAMETERS_FILE);
            Files.writeString(template, files.template(), StandardCharsets.UTF_8);
            Files.writeString(parameters, files.parameters(), StandardCharsets.UTF_8);
            out.printf(
                    "wrote %s (%d resources) and %s from %s%n",
                    template, files.templateJson().path("resources").size(), parameters, t.source());
            for (TopologyMapping adjusted : files.adjusted()) {
                out.println("adjusted: " + adjusted.setting() + " " + adjusted.adjustment());
            }
            for (TopologyMapping local : files.localOnly()) {
                out.println("local-only: " + local.setting() + ": " + local.note());
            }
            out.printf(
                    "deploy: az deployment group create -g <group> -f %s -p @%s -p sqlAdministratorPassword=<password>%n",
                    template, parameters);
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description =
                    "Deploy the topology to Azure, upload the app to both regions and wait until the endpoint serves.")
    static final class Up implements Callable<Integer> {
        /** Where the SQL administrator password comes from when set; otherwise hadr makes one and keeps it in the state directory. */
        static final String PASSWORD_ENV = "HADR_AZURE_SQL_PASSWORD";

        @Mixin
        TopologyOption topology;

        @Mixin
        Target target;

        @Mixin
        StateDirOption stateDir;

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                defaultValue = "PT30M",
                description =
                        "How long to wait for the apps and the endpoint after the deployment (ISO-8601, default: 30 minutes).")
        Duration timeout;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Topology t = topology.load();
            AzureTarget where = target.resolve(t);
            out.printf(
                    "hadr azure up: %s (%s) into resource group %s of subscription %s%n",
                    t.name(), t.strategy().id(), where.resourceGroup(), where.subscriptionId());
            out.flush();
            TokenCredential credential = credential();
            String password = password(out);
            Path jar = AppJar.locate(stateDir.get());
            AzureDeployer.create(t, where, credential, printer(out)).up(jar, password, timeout);
            EnvironmentStatus status =
                    AzurePlatform.connect(t, where, credential, printer(out)).status();
            out.println();
            AzureStatusView.print(status, out);
            return 0;
        }

        private String password(PrintWriter out) throws IOException {
            String given = System.getenv(PASSWORD_ENV);
            if (given != null && !given.isBlank()) {
                return given;
            }
            Path file = stateDir.stateDir.resolve("azure-sql-password");
            if (Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            Files.createDirectories(file.getParent());
            String password = newPassword();
            try {
                // Created owner-only from the start: the password is never readable by others, not even briefly.
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
            out.println("  ▸ SQL administrator password generated and kept in " + file + " (set " + PASSWORD_ENV
                    + " to choose one)");
            return password;
        }

        /** 24 characters from all four of Azure SQL's classes (it requires three). */
        static String newPassword() {
            SecureRandom random = new SecureRandom();
            String[] classes = {"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!#%*+-=?_"};
            StringBuilder password = new StringBuilder();
            for (int i = 0; i < 24; i++) {
                String alphabet = classes[i % classes.length];
                password.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return password.toString();
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Show the Azure deployment: apps, origins, the failover group's roles and listeners.")
    static final class Status implements Callable<Integer> {
        @Mixin
        TopologyOption topology;

        @Mixin
        Target target;

        @Option(names = "--json", description = "Print JSON for programs (the shape of 'hadr status --json').")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Topology t = topology.load();
            EnvironmentStatus status = AzurePlatform.connect(t, target.resolve(t), credential(), line -> {})
                    .status();
            if (json) {
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(status));
            } else {
                AzureStatusView.print(status, out);
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "down",
            mixinStandardHelpOptions = true,
            description =
                    "Delete what 'hadr azure up' created (restored databases go with their servers), after confirmation.")
    static final class Down implements Callable<Integer> {
        @Mixin
        TopologyOption topology;

        @Mixin
        Target target;

        @Option(names = "--yes", description = "Do not ask for confirmation.")
        boolean yes;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Topology t = topology.load();
            AzureTarget where = target.resolve(t);
            AzureDeployer deployer = AzureDeployer.create(t, where, credential(), printer(out));
            List<String> planned = deployer.plannedDeletions();
            if (planned.isEmpty()) {
                out.println("nothing to delete: there is no deployment " + ArmTemplate.deploymentName(t)
                        + " in resource group " + where.resourceGroup());
                out.flush();
                return 0;
            }
            out.println("this deletes, in resource group " + where.resourceGroup() + ":");
            planned.forEach(p -> out.println("  " + p));
            if (!yes && !confirmed(out)) {
                out.println("nothing was deleted");
                out.flush();
                return 1;
            }
            deployer.down();
            out.flush();
            return 0;
        }

        private boolean confirmed(PrintWriter out) throws IOException {
            if (System.console() == null) {
                throw new IllegalArgumentException(
                        "'hadr azure down' deletes Azure resources and needs a confirmation: run it in a terminal,"
                                + " or pass --yes");
            }
            out.print("delete them? [y/N] ");
            out.flush();
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT));
        }
    }
}
