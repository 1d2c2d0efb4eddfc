import io.hadr.drill.measure.Rto;
import io.hadr.drill.measure.Sample;
import io.hadr.drill.measure.TimeSource;
import io.hadr.drill.spec.Traffic;
import io.hadr.drill.spec.TrafficKind;
import io.hadr.drill.traffic.LoadGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How much traffic the drill's load generator drives on this machine, and how fine the RTO it
 * reports is. Runs a minimal origin (JDK HttpServer, GET / answers 200 with X-Hadr-Region) in this
 * JVM on loopback, so the numbers are the generator's plus that origin's; see README.md.
 *
 * Usage: java -cp CLASSPATH LoadGeneratorBench.java [seconds-per-step]
 */
public class LoadGeneratorBench {

    /** The origin fails (503) while this is true: an outage the bench switches on and off itself. */
    static volatile boolean down;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Origin server = new Origin();
        URI endpoint = URI.create("http://127.0.0.1:" + server.port());
        TimeSource time = TimeSource.system();
        if (args.length > 1 && args[1].equals("serve")) {
            // Only the origin, for wrk: how much the origin alone can answer on this machine.
            System.out.println(server.port());
            Thread.sleep(Long.parseLong(args[2]) * 1000);
            System.exit(0);
        }

        System.out.printf("machine: %d cores, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), Runtime.version());
        System.out.printf("System.nanoTime granularity: %d ns (smallest non-zero step of 1,000,000 reads)%n", granularity());
        warmUp(endpoint, time);

        System.out.println();
        System.out.println("## Throughput: reads only, open loop, " + seconds + " s per step");
        System.out.println("| target req/s | sent/s | answered/s | ok % | p50 ms | p99 ms | send lag p50 / p99 / max ms | CPU µs per answer |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int rate : new int[] {50, 100, 200, 400, 800, 1600}) {
            throughput(endpoint, time, rate, seconds);
        }

        System.out.println();
        System.out.println("## RTO resolution: a 1000 ms outage switched by the bench, measured by the engine's RTO");
        System.out.println("| req/s | outages | true outage ms | measured RTO ms: min / median / max | error ms: median / max | request gap ms |");
        System.out.println("|---|---|---|---|---|---|");
        for (int rate : new int[] {10, 20, 50, 100, 200}) {
            resolution(endpoint, time, rate, 5);
        }
        System.exit(0);
    }

    static long granularity() {
        long min = Long.MAX_VALUE;
        long last = System.nanoTime();
        for (int i = 0; i < 1_000_000; i++) {
            long now = System.nanoTime();
            if (now != last) {
                min = Math.min(min, now - last);
                last = now;
            }
        }
        return min;
    }

    static void warmUp(URI endpoint, TimeSource time) throws Exception {
        LoadGenerator g = new LoadGenerator(endpoint, new Traffic(500, 0, 1, Duration.ofSeconds(5), Duration.ofSeconds(1)), List.of("w"), time);
        g.start();
        Thread.sleep(3000);
        g.stop(Duration.ofSeconds(10));
        g.close();
    }

    static void throughput(URI endpoint, TimeSource time, int rate, int seconds) throws Exception {
        LoadGenerator g = new LoadGenerator(endpoint, new Traffic(rate, 0, 1, Duration.ofSeconds(5), Duration.ofSeconds(1)), List.of("w"), time);
        long start = time.nanos();
        long cpuStart = cpu();
        g.start();
        Thread.sleep(seconds * 1000L);
        long stopAt = time.nanos();
        long cpuUsed = cpu() - cpuStart;
        g.stop(Duration.ofSeconds(10));
        g.close();
        List<Sample> samples = g.samples();
        long sentInWindow = samples.stream().filter(s -> s.sendNanos() < stopAt).count();
        long answeredInWindow = samples.stream().filter(s -> s.endNanos() < stopAt && s.status() != 0).count();
        long ok = samples.stream().filter(Sample::ok).count();
        double window = (stopAt - start) / 1e9;
        long[] latency = samples.stream().filter(s -> s.status() != 0).mapToLong(Sample::latencyNanos).sorted().toArray();
        // How late each send was against its slot in the schedule (the first send is slot 0).
        long interval = (long) (1e9 / rate);
        long first = samples.isEmpty() ? start : samples.get(0).sendNanos();
        long[] lag = new long[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            lag[i] = Math.max(0, samples.get(i).sendNanos() - (first + i * interval));
        }
        Arrays.sort(lag);
        System.out.printf("| %d | %.0f | %.0f | %.1f | %.2f | %.2f | %.2f / %.2f / %.2f | %.0f |%n", rate, sentInWindow / window,
                answeredInWindow / window, samples.isEmpty() ? 0 : 100.0 * ok / samples.size(), pct(latency, 0.5), pct(latency, 0.99),
                pct(lag, 0.5), pct(lag, 0.99), lag.length == 0 ? 0 : lag[lag.length - 1] / 1e6,
                answeredInWindow == 0 ? 0 : cpuUsed / 1e3 / answeredInWindow);
    }

    static void resolution(URI endpoint, TimeSource time, int rate, int outages) throws Exception {
        long outageNanos = 1_000_000_000L;
        long[] measured = new long[outages];
        for (int i = 0; i < outages; i++) {
            LoadGenerator g = new LoadGenerator(endpoint, new Traffic(rate, 0, 1, Duration.ofSeconds(5), Duration.ofSeconds(1)), List.of("w"), time);
            g.start();
            Thread.sleep(1000 + (i * 37) % 100);
            long fault = time.nanos();
            down = true;
            Thread.sleep(outageNanos / 1_000_000);
            down = false;
            long healed = time.nanos();
            Thread.sleep(2500);
            g.stop(Duration.ofSeconds(10));
            g.close();
            Rto rto = Rto.compute(g.samples().stream().filter(s -> s.kind() == TrafficKind.READS).toList(), fault, Long.MAX_VALUE,
                    1_000_000_000L);
            measured[i] = rto.rtoNanos() == null ? -1 : rto.rtoNanos();
            outageNanos = healed - fault;
        }
        long[] sorted = measured.clone();
        Arrays.sort(sorted);
        long[] errors = Arrays.stream(measured).map(m -> Math.abs(m - 1_000_000_000L)).sorted().toArray();
        System.out.printf("| %d | %d | ~1000 | %.1f / %.1f / %.1f | %.1f / %.1f | %.1f |%n", rate, outages, sorted[0] / 1e6,
                sorted[sorted.length / 2] / 1e6, sorted[sorted.length - 1] / 1e6, errors[errors.length / 2] / 1e6,
                errors[errors.length - 1] / 1e6, 1000.0 / rate);
    }

    /** CPU time of this whole process (generator and origin), in ns. */
    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.floor(p * (sorted.length - 1))] / 1e6;
    }

    /**
     * The smallest origin that does not get in the way: HTTP/1.1 keep-alive, the whole answer in
     * one write (the JDK's HttpServer writes headers and body apart and stalls on Nagle's
     * algorithm against delayed ACKs: about 150 answers/s here).
     */
    static final class Origin {
        private final ServerSocket socket;

        Origin() throws IOException {
            socket = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (true) {
                    try {
                        Socket connection = socket.accept();
                        connection.setTcpNoDelay(true);
                        Thread t = new Thread(() -> serve(connection));
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private static void serve(Socket connection) {
            byte[] ok = answer("200 OK");
            byte[] unavailable = answer("503 Service Unavailable");
            try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
                byte[] buffer = new byte[8192];
                int filled = 0;
                while (true) {
                    int end = headersEnd(buffer, filled);
                    if (end < 0) {
                        int n = in.read(buffer, filled, buffer.length - filled);
                        if (n < 0) {
                            return;
                        }
                        filled += n;
                        continue;
                    }
                    out.write(down ? unavailable : ok);
                    System.arraycopy(buffer, end, buffer, 0, filled - end);
                    filled -= end;
                }
            } catch (IOException e) {
                // the client closed the connection
            }
        }

        private static int headersEnd(byte[] b, int length) {
            for (int i = 3; i < length; i++) {
                if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                    return i + 1;
                }
            }
            return -1;
        }

        private static byte[] answer(String status) {
            String body = "{\"region\":\"Bench\"}";
            return ("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nX-Hadr-Region: Bench\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
        }
    }
}
