package io.hadr.geodb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client writing rows through a listener in a loop, as an application would: it reconnects
 * after any failure and records exactly which inserts were acknowledged (the commit returned).
 */
final class Writer implements AutoCloseable {

    private final String jdbcUrl;
    private final NavigableSet<Long> acknowledged = new ConcurrentSkipListSet<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong nextId;
    private final Thread thread;
    private volatile boolean stop;
    private volatile String lastError;

    Writer(String jdbcUrl, long firstId) {
        this.jdbcUrl = jdbcUrl;
        this.nextId = new AtomicLong(firstId);
        this.thread = new Thread(this::run, "test-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        Connection connection = null;
        PreparedStatement insert = null;
        while (!stop) {
            long id = nextId.getAndIncrement();
            try {
                if (connection == null) {
                    connection = GeoDbHarness.connect(jdbcUrl);
                    insert = connection.prepareStatement("INSERT INTO records (id, writer) VALUES (?, 'writer')");
                }
                insert.setLong(1, id);
                insert.executeUpdate();
                acknowledged.add(id);
                Thread.sleep(2);
            } catch (SQLException e) {
                failures.incrementAndGet();
                lastError = e.getMessage();
                closeQuietly(connection);
                connection = null;
                sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
        closeQuietly(connection);
    }

    /** Ids whose insert returned successfully. */
    NavigableSet<Long> acknowledged() {
        return acknowledged;
    }

    int count() {
        return acknowledged.size();
    }

    long failures() {
        return failures.get();
    }

    String lastError() {
        return lastError;
    }

    /** Blocks until {@code more} further inserts were acknowledged. */
    void awaitMore(int more, Duration timeout) {
        int target = count() + more;
        org.awaitility.Awaitility.await(
                        "writer to get " + more + " more acknowledgements (last error: " + lastError + ")")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> count() >= target);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(30_000);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // Broken connection: nothing to close.
            }
        }
    }
}
