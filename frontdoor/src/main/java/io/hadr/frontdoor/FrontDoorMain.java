package io.hadr.frontdoor;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a front door from the command line, for benchmarks and manual tries (hadr itself starts the
 * front door through {@code local}). Prints {@code listening <endpoint>} once it serves, and stops
 * on SIGTERM or SIGINT.
 *
 * <pre>
 * java -cp ... io.hadr.frontdoor.FrontDoorMain --port 8080 --probe-path /health --probe-interval 1s \
 *     --origin a=http://127.0.0.1:8081,priority=1,weight=1000 --origin b=http://127.0.0.1:8082,priority=2
 * </pre>
 *
 * <p>Options: {@code --host}, {@code --port}, {@code --front-door-id}, {@code --probe-path},
 * {@code --probe-method HEAD|GET}, {@code --probe-protocol HTTP|HTTPS}, {@code --probe-interval},
 * {@code --sample-size}, {@code --successful-samples}, {@code --additional-latency},
 * {@code --origin-response-timeout}, {@code --session-affinity}, {@code --no-retry},
 * {@code --passive-health}, {@code --allow-non-azure-timings}, {@code --origin NAME=URL[,priority=N][,weight=N][,disabled]}.
 * Durations are written {@code 500ms}, {@code 2s} or {@code 1m}. Exit code 2 on bad usage.
 */
public final class FrontDoorMain {

    private FrontDoorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        FrontDoorConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("frontdoor: " + e.getMessage());
            System.exit(2);
            return;
        }
        FrontDoor frontDoor = FrontDoor.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            frontDoor.close();
            stopped.countDown();
        }, "hadr-frontdoor-shutdown"));
        PrintStream out = System.out;
        out.println("listening " + frontDoor.endpoint());
        out.flush();
        stopped.await();
    }

    static FrontDoorConfig parse(String[] args) {
        FrontDoorConfig.Builder builder = FrontDoorConfig.builder();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            switch (option) {
                case "--session-affinity" -> builder.sessionAffinity(true);
                case "--no-retry" -> builder.retryOnNextOrigin(false);
                case "--passive-health" -> builder.passiveHealthOnConnectionRefused(true);
                case "--allow-non-azure-timings" -> builder.allowNonAzureTimings(true);
                default -> {
                    if (rest.isEmpty()) {
                        throw new IllegalArgumentException("unknown option or missing value: " + option);
                    }
                    String value = rest.remove(0);
                    switch (option) {
                        case "--host" -> builder.host(value);
                        case "--port" -> builder.port(integer(option, value));
                        case "--front-door-id" -> builder.frontDoorId(value);
                        case "--probe-path" -> builder.probePath(value);
                        case "--probe-method" -> builder.probeRequestType(ProbeRequestType.valueOf(value.toUpperCase(Locale.ROOT)));
                        case "--probe-protocol" -> builder.probeProtocol(ProbeProtocol.valueOf(value.toUpperCase(Locale.ROOT)));
                        case "--probe-interval" -> builder.probeInterval(duration(option, value));
                        case "--sample-size" -> builder.sampleSize(integer(option, value));
                        case "--successful-samples" -> builder.successfulSamplesRequired(integer(option, value));
                        case "--additional-latency" -> builder.additionalLatency(duration(option, value));
                        case "--origin-response-timeout" -> builder.originResponseTimeout(duration(option, value));
                        case "--origin" -> builder.origin(origin(value));
                        default -> throw new IllegalArgumentException("unknown option: " + option);
                    }
                }
            }
        }
        return builder.build();
    }

    static OriginConfig origin(String spec) {
        String[] parts = spec.split(",");
        int equals = parts[0].indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException("--origin must be NAME=URL[,priority=N][,weight=N][,disabled], but was '" + spec + "'");
        }
        OriginConfig origin = OriginConfig.of(parts[0].substring(0, equals), URI.create(parts[0].substring(equals + 1)));
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.equals("disabled")) {
                origin = origin.withEnabled(false);
            } else if (part.startsWith("priority=")) {
                origin = origin.withPriority(integer("priority", part.substring("priority=".length())));
            } else if (part.startsWith("weight=")) {
                origin = origin.withWeight(integer("weight", part.substring("weight=".length())));
            } else {
                throw new IllegalArgumentException("unknown origin attribute '" + part + "' in '" + spec + "'");
            }
        }
        return origin;
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, but was '" + value + "'");
        }
    }

    static Duration duration(String option, String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            if (text.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
            }
            if (text.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(option + " must be a duration like 500ms, 2s or 1m, but was '" + value + "'");
    }
}
