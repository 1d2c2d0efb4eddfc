package io.hadr.frontdoor;

import static io.hadr.frontdoor.testing.TestConfigs.origin;
import static io.hadr.frontdoor.testing.TestConfigs.steady;
import static org.assertj.core.api.Assertions.assertThat;

import io.hadr.frontdoor.testing.FrontDoorProcess;
import io.hadr.frontdoor.testing.Http;
import io.hadr.frontdoor.testing.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies stream through the front door: 100 MB each way through a front door whose JVM has a 48 MB
 * heap and 32 MB of direct memory, so holding a body would kill it; and a stalled client does not
 * hold up others.
 */
class StreamingIT {

    private static final long HUNDRED_MB = 100L * 1024 * 1024;

    private static TestOrigin app;
    private static FrontDoorProcess smallHeapFrontDoor;

    @BeforeAll
    static void start() throws IOException {
        app = TestOrigin.start("app");
        smallHeapFrontDoor = FrontDoorProcess.start(
                List.of("-Xmx48m", "-XX:MaxDirectMemorySize=32m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"),
                List.of(
                        "--port",
                        "0",
                        "--probe-path",
                        "/health",
                        "--probe-interval-ms",
                        "1000",
                        "--origin",
                        "app=" + app.address()));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (smallHeapFrontDoor != null) {
            smallHeapFrontDoor.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void shouldStreamAHundredMegabyteUploadWithoutHoldingIt() {
        URI upload = smallHeapFrontDoor.endpoint().resolve("/upload");
        HttpRequest request = HttpRequest.newBuilder(upload)
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(HUNDRED_MB)), HUNDRED_MB))
                .build();

        HttpResponse<String> response = Http.send(request);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("bytes=" + HUNDRED_MB + " crc=" + patternCrc(HUNDRED_MB));
        assertThat(smallHeapFrontDoor.isAlive()).isTrue();
    }

    @Test
    void shouldStreamAHundredMegabyteDownloadWithoutHoldingIt() throws Exception {
        URI download = smallHeapFrontDoor.endpoint().resolve("/download?bytes=" + HUNDRED_MB);
        HttpRequest request = HttpRequest.newBuilder(download)
                .timeout(Duration.ofMinutes(2))
                .GET()
                .build();

        HttpResponse<InputStream> response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        long received = 0;
        long mismatches = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream body = response.body()) {
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != TestOrigin.pattern(received + i)) {
                        mismatches++;
                    }
                }
                received += n;
            }
        }

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(received).isEqualTo(HUNDRED_MB);
        assertThat(mismatches).isZero();
        assertThat(smallHeapFrontDoor.isAlive()).isTrue();
    }

    @Test
    void shouldKeepServingOthersWhileAClientStallsOnALargeDownload() throws Exception {
        try (FrontDoor frontDoor =
                        FrontDoor.start(steady().origin(origin(app, 1, 50)).build());
                Socket stalled = new Socket("127.0.0.1", frontDoor.endpoint().getPort())) {
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /download?bytes=" + (4 * HUNDRED_MB) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Read a little so the transfer is certainly under way, then stop reading.
            stalled.getInputStream().readNBytes(1024);

            for (int i = 0; i < 20; i++) {
                long started = System.nanoTime();
                HttpResponse<String> response = Http.get(frontDoor.endpoint());
                assertThat(response.statusCode()).isEqualTo(200);
                // A request blocked behind the stalled one would wait for that client's idle timeout (35 s here).
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            }
        }
    }

    private static long patternCrc(long length) {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[64 * 1024];
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(buffer.length, length - done);
            for (int i = 0; i < n; i++) {
                buffer[i] = TestOrigin.pattern(done + i);
            }
            crc.update(buffer, 0, n);
            done += n;
        }
        return crc.getValue();
    }

    /** {@code length} bytes of {@link TestOrigin#pattern(long)}, generated on the fly. */
    private static final class PatternStream extends InputStream {

        private final long length;
        private long position;

        PatternStream(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            return position < length ? TestOrigin.pattern(position++) & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(count, length - position);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = TestOrigin.pattern(position + i);
            }
            position += n;
            return n;
        }
    }
}
