import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop writes for the geodb benchmark: CONNECTIONS threads each POST /api/records (a new
 * record id every time) as fast as answers come, for SECONDS after the first write was
 * acknowledged (then OUT.ready is created, so a script knows the load runs), and every request is
 * written to OUT as "start epoch ms,latency ms,status" (status -1 when no HTTP answer came), so
 * that a failover's failed writes and the latency of the writes it overlapped can be counted
 * exactly.
 *
 *   java bench/geodb/WriteLoad.java http://127.0.0.1:8080 8 10 out.csv
 */
public class WriteLoad {

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0] + "/api/records");
        int connections = Integer.parseInt(args[1]);
        long runMillis = (long) (Double.parseDouble(args[2]) * 1000);
        Path out = Path.of(args[3]);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String prefix = "wl" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis();
        AtomicLong sequence = new AtomicLong();
        // Warm up on one connection until a write is acknowledged: the measured run starts then.
        while (true) {
            long seq = sequence.incrementAndGet();
            try {
                HttpResponse<Void> first = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + prefix + "-" + seq + "\",\"writer\":\""
                                + prefix + "\",\"seq\":" + seq + "}")).build(), HttpResponse.BodyHandlers.discarding());
                if (first.statusCode() == 201) {
                    break;
                }
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        long endAt = System.currentTimeMillis() + runMillis;
        Files.writeString(Path.of(out + ".ready"), "started\n");
        List<List<String>> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < connections; t++) {
            List<String> lines = new ArrayList<>();
            perThread.add(lines);
            Thread thread = new Thread(() -> {
                while (System.currentTimeMillis() < endAt) {
                    long seq = sequence.incrementAndGet();
                    String body = "{\"id\":\"" + prefix + "-" + seq + "\",\"writer\":\"" + prefix + "\",\"seq\":" + seq + "}";
                    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    long start = System.currentTimeMillis();
                    long started = System.nanoTime();
                    int status;
                    try {
                        status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (IOException e) {
                        status = -1;
                    } catch (InterruptedException e) {
                        return;
                    }
                    lines.add(start + "," + (System.nanoTime() - started) / 1_000_000.0 + "," + status);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        List<String> all = new ArrayList<>();
        perThread.forEach(all::addAll);
        Files.write(out, all);
    }
}
