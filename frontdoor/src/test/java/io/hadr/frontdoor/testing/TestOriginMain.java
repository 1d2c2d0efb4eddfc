package io.hadr.frontdoor.testing;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link TestOrigin} as a process, for the front door benchmark
 * ({@code bench/frontdoor/run.sh}): {@code TestOriginMain NAME PORT}. {@code GET /} answers the
 * name, {@code HEAD /health} answers 200. Prints {@code listening <url>}; stops on SIGTERM.
 */
public final class TestOriginMain {

    private TestOriginMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: TestOriginMain NAME PORT");
            System.exit(2);
        }
        TestOrigin origin = TestOrigin.start(args[0], Integer.parseInt(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            origin.close();
            stopped.countDown();
        }));
        System.out.println("listening " + origin.address());
        System.out.flush();
        stopped.await();
    }
}
