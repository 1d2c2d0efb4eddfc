package io.hadr.geodb.internal;

import io.hadr.geodb.GeoDbException;
import io.hadr.toolkit.Threads;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies a directory tree from one region to the other through the inter-region link, so that
 * seeding a secondary takes the link's latency and stalls on a partition like the replication
 * that follows it. A receiver in the destination region writes what a sender in the source region
 * streams to it: directories, files in chunks (a file may grow or shrink while a base backup
 * copies it), and an end mark the receiver acknowledges once everything is written.
 *
 * <p>Every wait is bounded by the stall limit: the sender gives up when nothing it writes is taken
 * for that long (the link's window and the socket buffers are full), the receiver when nothing
 * arrives for that long, and the acknowledgement must come within it.
 */
final class TreeTransfer implements AutoCloseable {

    private static final byte DIRECTORY = 'D';
    private static final byte FILE = 'F';
    private static final byte END = 'E';
    private static final byte ACK = 'K';
    private static final int CHUNK = 256 * 1024;

    private final String what;
    private final Duration stall;
    private final InterRegionLink link;
    private final int entry;
    private final Receiver receiver;
    private final Socket socket;
    private final DataOutputStream out;
    private final AtomicLong sent = new AtomicLong();
    private final byte[] chunk = new byte[CHUNK];
    private final Thread watchdog;
    private volatile boolean stalled;
    private volatile boolean done;

    private TreeTransfer(String what, Duration stall, InterRegionLink link, int entry, Receiver receiver, Socket socket)
            throws IOException {
        this.what = what;
        this.stall = stall;
        this.link = link;
        this.entry = entry;
        this.receiver = receiver;
        this.socket = socket;
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), CHUNK));
        this.watchdog = Threads.startDaemon("hadr-geodb-transfer-watchdog", this::watch);
    }

    /**
     * Opens a transfer into {@code to} (in the region that is not {@code fromRegion}) through the link.
     *
     * @param what what is copied, for messages ("the base backup of 'centralindia' for 'southindia'")
     * @param stall how long nothing may move before the transfer fails
     */
    static TreeTransfer across(InterRegionLink link, String fromRegion, Path to, Duration stall, String what) {
        Receiver receiver;
        try {
            receiver = new Receiver(to, stall, what);
        } catch (IOException e) {
            throw new GeoDbException("cannot receive " + what + " into " + to + ": " + e, e);
        }
        int entry = -1;
        Socket socket = new Socket();
        try {
            entry = link.openEntry(fromRegion, receiver.port(), what);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), entry), (int) stall.toMillis());
            socket.setSoTimeout((int) stall.toMillis());
            return new TreeTransfer(what, stall, link, entry, receiver, socket);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            receiver.close();
            if (entry >= 0) {
                link.closeEntry(entry);
            }
            throw new GeoDbException("cannot send " + what + " across the inter-region link: " + e, e);
        }
    }

    /** Creates {@code relative} (and its parents) on the other side. */
    void directory(String relative) throws IOException {
        out.writeByte(DIRECTORY);
        out.writeUTF(relative);
        sent.addAndGet(relative.length() + 3);
    }

    /**
     * Copies {@code source} to {@code relative} on the other side, as it is while it is read.
     *
     * @return false when the file no longer exists (dropped while the tree is copied)
     */
    boolean file(String relative, Path source) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(source, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return false;
        }
        try (channel) {
            out.writeByte(FILE);
            out.writeUTF(relative);
            ByteBuffer buffer = ByteBuffer.wrap(chunk);
            int n;
            while ((n = channel.read(buffer.clear())) > 0) {
                out.writeInt(n);
                out.write(chunk, 0, n);
                sent.addAndGet(n + 4L);
            }
            out.writeInt(0);
        }
        return true;
    }

    /** Writes {@code content} to {@code relative} on the other side. */
    void bytes(String relative, byte[] content) throws IOException {
        out.writeByte(FILE);
        out.writeUTF(relative);
        for (int offset = 0; offset < content.length; offset += CHUNK) {
            int n = Math.min(CHUNK, content.length - offset);
            out.writeInt(n);
            out.write(content, offset, n);
            sent.addAndGet(n + 4L);
        }
        out.writeInt(0);
    }

    /**
     * Ends the transfer and waits until the receiver wrote everything.
     *
     * @return the bytes of file content written on the other side
     */
    long finish() {
        try {
            out.writeByte(END);
            out.flush();
            int ack = socket.getInputStream().read();
            if (ack != ACK) {
                throw new IOException("the receiver ended without acknowledging the end");
            }
            long written = receiver.result.get(stall.toMillis(), TimeUnit.MILLISECONDS);
            done = true;
            return written;
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw failure(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GeoDbException("interrupted while " + what + " crossed the inter-region link", e);
        }
    }

    /** The exception for a failed transfer: the receiver's cause, or the stall, before the socket's own error. */
    GeoDbException failure(Exception e) {
        if (stalled || e instanceof SocketTimeoutException || e instanceof TimeoutException) {
            return new GeoDbException(
                    what + " stalled: nothing crossed the inter-region link for " + stall.toSeconds() + " s ("
                            + sent.get() / 1024 + " KiB sent; is the link partitioned?)",
                    e);
        }
        Throwable receiverFailure = receiver.failure();
        if (receiverFailure != null) {
            return new GeoDbException(what + " failed on the receiving side: " + receiverFailure, receiverFailure);
        }
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        return new GeoDbException(what + " across the inter-region link failed: " + cause, cause);
    }

    private void watch() {
        long last = -1;
        long since = System.nanoTime();
        while (!done && !socket.isClosed()) {
            long now = sent.get();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > stall.toNanos()) {
                stalled = true;
                closeQuietly(socket);
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Ends everything; a transfer that did not {@link #finish()} is abandoned on both sides. */
    @Override
    public void close() {
        done = true;
        watchdog.interrupt();
        closeQuietly(socket);
        receiver.close();
        link.closeEntry(entry);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Gone either way.
        }
    }

    /** The receiving side, in the destination region. */
    private static final class Receiver {
        private final Path root;
        private final Duration stall;
        private final ServerSocket server;
        final CompletableFuture<Long> result = new CompletableFuture<>();

        Receiver(Path root, Duration stall, String what) throws IOException {
            this.root = root.toAbsolutePath().normalize();
            this.stall = stall;
            this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            server.setSoTimeout((int) stall.toMillis());
            Threads.startDaemon("hadr-geodb-transfer-receiver", () -> {
                try {
                    result.complete(receive());
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(e);
                } finally {
                    closeQuietly(server);
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        Throwable failure() {
            if (!result.isCompletedExceptionally()) {
                return null;
            }
            try {
                result.join();
                return null;
            } catch (java.util.concurrent.CompletionException e) {
                return e.getCause();
            }
        }

        private long receive() throws IOException {
            long written = 0;
            try (Socket socket = server.accept()) {
                socket.setSoTimeout((int) stall.toMillis());
                DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), CHUNK));
                byte[] buffer = new byte[CHUNK];
                Files.createDirectories(root);
                while (true) {
                    byte kind = in.readByte();
                    if (kind == END) {
                        OutputStream ack = socket.getOutputStream();
                        ack.write(ACK);
                        ack.flush();
                        return written;
                    }
                    Path target = resolve(in.readUTF());
                    if (kind == DIRECTORY) {
                        Files.createDirectories(target);
                    } else if (kind == FILE) {
                        Files.createDirectories(target.getParent());
                        try (OutputStream file = Files.newOutputStream(target)) {
                            int n;
                            while ((n = in.readInt()) > 0) {
                                if (n > CHUNK) {
                                    throw new IOException("a chunk of " + n + " bytes is larger than " + CHUNK);
                                }
                                in.readFully(buffer, 0, n);
                                file.write(buffer, 0, n);
                                written += n;
                            }
                        }
                    } else {
                        throw new IOException("unknown record kind " + kind + " in the transfer");
                    }
                }
            }
        }

        /** A path below the root; anything leading outside it is refused. */
        private Path resolve(String relative) throws IOException {
            Path target = root.resolve(relative).normalize();
            if (!target.startsWith(root) || target.equals(root) && !relative.isEmpty()) {
                throw new IOException("the path '" + relative + "' leads outside " + root);
            }
            return target;
        }

        void close() {
            closeQuietly(server);
        }
    }
}
