package io.hadr.geodb;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Signals to a test's own PostgreSQL processes, as an outside failure would send them. */
final class Signals {

    private Signals() {}

    /**
     * The postmaster and all its children (WAL receiver, startup process, backends): stopping
     * only the postmaster would leave replication running.
     */
    static java.util.List<Long> tree(long pid) {
        java.util.List<Long> pids = new java.util.ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        return pids;
    }

    static void send(java.util.List<Long> pids, String signal) throws IOException, InterruptedException {
        for (long pid : pids) {
            if (ProcessHandle.of(pid).isPresent()) {
                send(pid, signal);
            }
        }
    }

    static void send(long pid, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid))
                .inheritIO()
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -s " + signal + " " + pid + " failed");
        }
    }
}
