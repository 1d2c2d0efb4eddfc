package io.hadr.geodb.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hadr.geodb.internal.InterRegionLink;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Geo-copies across a real inter-region link on loopback: they take its latency and wait out its partitions. */
class LinkCrossingTest {

    private static final String CENTRAL = "centralindia";
    private static final String SOUTH = "southindia";

    private InterRegionLink link;

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
        }
    }

    @Test
    void shouldTakeTheLinksLatencyForEveryFile() throws IOException {
        link = new InterRegionLink(CENTRAL, SOUTH, Duration.ofMillis(200), Clock.systemUTC());
        LinkCrossing crossing = new LinkCrossing(link);
        byte[] file = bytes(3 << 20);

        long started = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertThat(copy(crossing, file)).isEqualTo(file);
        }

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        assertThat(link.status().directions())
                .filteredOn(d -> d.from().equals(CENTRAL))
                .singleElement()
                .satisfies(d -> assertThat(d.deliveredBytes()).isGreaterThanOrEqualTo(3L * file.length));
    }

    @Test
    void shouldGiveUpACopyThatNothingCrossesForTheStallLimitAndSayThatItWaits() throws Exception {
        link = new InterRegionLink(CENTRAL, SOUTH, Duration.ZERO, Clock.systemUTC());
        LinkCrossing crossing = new LinkCrossing(link, Duration.ofSeconds(1));
        link.partition();

        assertThatThrownBy(() -> copy(crossing, bytes(1000)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("nothing crossed the inter-region link from centralindia to southindia for 1 s");
        assertThatThrownBy(() -> copy(crossing, bytes(1000)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("nothing crossed");
        // Said once nothing crossed for a while, through the tries that gave up.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(crossing.waiting())
                                .singleElement()
                                .asString()
                                .contains(
                                        "geo-copy from 'centralindia' to 'southindia': nothing has crossed the inter-region link"));
        link.heal();
        byte[] file = bytes(5 << 20);

        assertThat(copy(crossing, file)).isEqualTo(file);
        assertThat(crossing.waiting()).isEmpty();
    }

    @Test
    void shouldFinishACopyHeldByAPartitionOnceTheLinkHeals() throws Exception {
        link = new InterRegionLink(CENTRAL, SOUTH, Duration.ZERO, Clock.systemUTC());
        LinkCrossing crossing = new LinkCrossing(link, Duration.ofSeconds(60));
        link.partition();
        byte[] file = bytes(10 << 20);

        CompletableFuture<byte[]> copied = CompletableFuture.supplyAsync(() -> {
            try {
                return copy(crossing, file);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1_000);
        assertThat(copied).isNotDone();
        link.heal();

        assertThat(copied.get(60, TimeUnit.SECONDS)).isEqualTo(file);
    }

    @Test
    void shouldEndCopiesUnderWayWhenClosed() throws Exception {
        link = new InterRegionLink(CENTRAL, SOUTH, Duration.ZERO, Clock.systemUTC());
        LinkCrossing crossing = new LinkCrossing(link, Duration.ofSeconds(60));
        link.partition();
        CompletableFuture<byte[]> copied = CompletableFuture.supplyAsync(() -> {
            try {
                return copy(crossing, bytes(1000));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);

        crossing.close();

        assertThat(copied)
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableThat()
                .havingRootCause()
                .isInstanceOf(IOException.class);
    }

    private static byte[] copy(LinkCrossing crossing, byte[] file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        crossing.transfer(CENTRAL, SOUTH, new ByteArrayInputStream(file), out);
        return out.toByteArray();
    }

    private static byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }
}
