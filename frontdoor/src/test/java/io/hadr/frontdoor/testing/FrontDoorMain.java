package io.hadr.frontdoor.testing;

import io.hadr.frontdoor.FrontDoor;
import io.hadr.frontdoor.FrontDoorConfig;
import io.hadr.frontdoor.OriginConfig;
import io.hadr.frontdoor.ProbeProtocol;
import io.hadr.frontdoor.ProbeRequestType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A front door in a process of its own, for the benchmark ({@code bench/frontdoor/run.sh}) and for
 * tests that need the proxy's memory alone ({@link FrontDoorProcess}); hadr itself starts the
 * front door through {@code local}. Prints {@code listening <endpoint>} once it serves, and stops
 * on SIGTERM or SIGINT. Times are whole milliseconds, so there is no duration syntax to learn.
 *
 * <pre>
 * java -cp ... io.hadr.frontdoor.testing.FrontDoorMain --port 8080 --probe-path /health --probe-interval-ms 1000 \
 *     --origin a=http://127.0.0.1:8081,priority=1,weight=1000 --origin b=http://127.0.0.1:8082,priority=2
 * </pre>
 */
@Command(
        name = "frontdoor",
        mixinStandardHelpOptions = true,
        description = "Runs hadr's front door in front of the given origins until stopped.")
public final class FrontDoorMain implements Callable<Integer> {

    @Option(names = "--host", description = "address to listen on (default ${DEFAULT-VALUE})")
    String host = FrontDoorConfig.DEFAULT_HOST;

    @Option(names = "--port", description = "port to listen on, 0 for an ephemeral one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--front-door-id", description = "value of X-Azure-FDID (default: a random UUID)")
    String frontDoorId;

    @Option(names = "--probe-path", description = "path of the health probe (default /)")
    String probePath;

    @Option(names = "--probe-method", description = "HEAD or GET (default HEAD)")
    ProbeRequestType probeMethod;

    @Option(names = "--probe-protocol", description = "HTTP or HTTPS (default HTTP)")
    ProbeProtocol probeProtocol;

    @Option(names = "--probe-interval-ms", description = "time between probes, also each probe's timeout")
    Long probeIntervalMs;

    @Option(names = "--sample-size", description = "probes that decide health (default 4)")
    Integer sampleSize;

    @Option(names = "--successful-samples", description = "of which must have succeeded (default 3)")
    Integer successfulSamples;

    @Option(names = "--additional-latency-ms", description = "width of the latency band (default 50)")
    Long additionalLatencyMs;

    @Option(names = "--origin-response-timeout-ms", description = "wait for the origin's answer (default 30000)")
    Long originResponseTimeoutMs;

    @Option(names = "--session-affinity", description = "pin clients to an origin with the ASLBSA cookie")
    boolean sessionAffinity;

    @Option(names = "--no-retry", description = "never retry a request on the next origin, like Azure")
    boolean noRetry;

    @Option(names = "--passive-health", description = "take an origin out at its first refused connection")
    boolean passiveHealth;

    @Option(
            names = "--origin",
            required = true,
            paramLabel = "NAME=URL[,priority=N][,weight=N][,disabled]",
            description = "an origin; repeat for more")
    List<String> origins = new ArrayList<>();

    /** Runs until the JVM is told to stop; exit code 2 on bad usage. */
    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new FrontDoorMain());
        // A setting the front door refuses is bad usage too: one line and exit code 2, not a stack trace.
        commandLine.setExecutionExceptionHandler((failure, command, parseResult) -> {
            if (failure instanceof IllegalArgumentException) {
                command.getErr().println("frontdoor: " + failure.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            throw failure;
        });
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        FrontDoor frontDoor = FrontDoor.start(config());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            frontDoor.close();
                            stopped.countDown();
                        },
                        "hadr-frontdoor-shutdown"));
        System.out.println("listening " + frontDoor.endpoint());
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** The configuration these options describe. */
    FrontDoorConfig config() {
        FrontDoorConfig.Builder builder = FrontDoorConfig.builder()
                .host(host)
                .port(port)
                .sessionAffinity(sessionAffinity)
                .retryOnNextOrigin(!noRetry)
                .passiveHealthOnConnectionRefused(passiveHealth);
        if (frontDoorId != null) {
            builder.frontDoorId(frontDoorId);
        }
        if (probePath != null) {
            builder.probePath(probePath);
        }
        if (probeMethod != null) {
            builder.probeRequestType(probeMethod);
        }
        if (probeProtocol != null) {
            builder.probeProtocol(probeProtocol);
        }
        if (probeIntervalMs != null) {
            builder.probeInterval(Duration.ofMillis(probeIntervalMs));
        }
        if (sampleSize != null) {
            builder.sampleSize(sampleSize);
        }
        if (successfulSamples != null) {
            builder.successfulSamplesRequired(successfulSamples);
        }
        if (additionalLatencyMs != null) {
            builder.additionalLatency(Duration.ofMillis(additionalLatencyMs));
        }
        if (originResponseTimeoutMs != null) {
            builder.originResponseTimeout(Duration.ofMillis(originResponseTimeoutMs));
        }
        origins.forEach(spec -> builder.origin(origin(spec)));
        return builder.build();
    }

    static OriginConfig origin(String spec) {
        String[] parts = spec.split(",");
        int equals = parts[0].indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException(
                    "--origin must be NAME=URL[,priority=N][,weight=N][,disabled], but was '" + spec + "'");
        }
        OriginConfig origin =
                OriginConfig.of(parts[0].substring(0, equals), URI.create(parts[0].substring(equals + 1)));
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.equals("disabled")) {
                origin = origin.withEnabled(false);
            } else if (part.startsWith("priority=")) {
                origin = origin.withPriority(Integer.parseInt(part.substring("priority=".length())));
            } else if (part.startsWith("weight=")) {
                origin = origin.withWeight(Integer.parseInt(part.substring("weight=".length())));
            } else {
                throw new IllegalArgumentException("unknown origin attribute '" + part + "' in '" + spec + "'");
            }
        }
        return origin;
    }
}
