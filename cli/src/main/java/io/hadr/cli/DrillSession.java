package io.hadr.cli;

import io.hadr.azure.AzurePlatform;
import io.hadr.azure.AzureTarget;
import io.hadr.core.platform.Platform;
import io.hadr.core.topology.Topology;
import io.hadr.drill.StrategyComparison;
import io.hadr.local.EnvironmentFiles;
import io.hadr.local.LocalPlatform;
import io.hadr.local.StateDir;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The platform a drill command drives, and whether the command started its environment itself:
 * an environment found running is left running at the end; one started for the drill is stopped
 * when the session closes: once, by whichever thread comes first (the command, or its Ctrl-C hook),
 * the other waiting until it is done.
 */
final class DrillSession implements StrategyComparison.Session {

    private final Platform platform;
    private final boolean ownEnvironment;
    private final StateDir discardOnClose;
    private final Consumer<String> progress;
    private boolean closed;

    DrillSession(Platform platform, boolean ownEnvironment, Consumer<String> progress) {
        this(platform, ownEnvironment, null, progress);
    }

    private DrillSession(
            Platform platform, boolean ownEnvironment, StateDir discardOnClose, Consumer<String> progress) {
        this.platform = platform;
        this.ownEnvironment = ownEnvironment;
        this.discardOnClose = discardOnClose;
        this.progress = progress;
    }

    /**
     * The local environment running from {@code stateDir}, else one started there for the drill
     * on free ports (so that it collides with no other environment; the drill finds its endpoint
     * through the platform). With {@code fresh}, whatever an earlier environment left in
     * {@code stateDir} is deleted first, a running one is refused, and the files of the fresh one
     * are deleted again when the session closes (a fresh environment exists for this session only).
     */
    static DrillSession local(Topology topology, Path stateDir, boolean fresh, Consumer<String> progress) {
        StateDir dir = new StateDir(stateDir);
        if (!fresh && dir.isLocked()) {
            progress.accept("using the environment running from " + dir.root() + " (it keeps running afterwards)");
            return new DrillSession(LocalPlatform.connect(dir), false, progress);
        }
        if (fresh) {
            EnvironmentFiles.discard(dir);
        }
        progress.accept("starting " + (fresh ? "a fresh" : "an") + " environment ("
                + topology.strategy().id() + ") in " + dir.root() + (fresh ? "" : ", since none runs there")
                + "; it stops at the end");
        long started = System.nanoTime();
        LocalPlatform platform = LocalPlatform.startOwn(
                LocalPlatform.onFreePorts(topology), dir, line -> progress.accept("  ▸ " + line));
        progress.accept(String.format(
                Locale.ROOT,
                "environment up in %.1f s; endpoint %s",
                (System.nanoTime() - started) / 1e9,
                platform.endpoint()));
        return new DrillSession(platform, true, fresh ? dir : null, progress);
    }

    /**
     * The deployment of {@code topology} on Azure (made by {@code hadr azure up}), reached through
     * Resource Manager with azure-identity's default credential chain. The deployment is the
     * user's: closing the session leaves it as the drill and its rollbacks left it.
     */
    static DrillSession azure(Topology topology, AzureTarget target, Consumer<String> progress) {
        progress.accept(
                "connecting to the deployment of " + topology.name() + " in resource group " + target.resourceGroup()
                        + " of subscription " + target.subscriptionId() + " (" + target.armEndpoint() + ")");
        return new DrillSession(AzurePlatform.connect(topology, target, progress), false, progress);
    }

    @Override
    public Platform platform() {
        return platform;
    }

    /** Whether closing stops the environment (it was started for the drill). */
    boolean ownEnvironment() {
        return ownEnvironment;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!ownEnvironment) {
            platform.close();
            return;
        }
        progress.accept("stopping the environment started for the drill");
        long started = System.nanoTime();
        platform.close();
        progress.accept(
                String.format(Locale.ROOT, "environment stopped in %.1f s", (System.nanoTime() - started) / 1e9));
        if (discardOnClose != null) {
            EnvironmentFiles.discard(discardOnClose);
        }
    }
}
