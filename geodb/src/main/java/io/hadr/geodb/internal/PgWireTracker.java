package io.hadr.geodb.internal;

/**
 * Follows the PostgreSQL frontend/backend protocol (version 3) on one proxied connection just
 * far enough to know when it is between transactions: every simple query ({@code Q}), extended
 * query {@code Sync} ({@code S}) and function call ({@code F}) the client sends is answered by
 * exactly one {@code ReadyForQuery} ({@code Z}) carrying the transaction status, {@code I} when
 * no transaction is open. A connection is {@link #idle()} when every such request was answered
 * and the last answer said {@code I}: cutting it then loses nothing the client was told.
 *
 * <p>Anything it cannot follow (TLS or GSS encryption, a cancel request, a malformed length)
 * makes the connection opaque: never idle, so it is only cut when a drain runs out of time.
 * Not thread-safe: the caller serialises both directions.
 */
final class PgWireTracker {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int MAX_STARTUP_LENGTH = 10_000;

    private boolean opaque;

    private boolean clientStarted;
    private final byte[] clientHeader = new byte[8];
    private int clientHeaderLength;
    private long clientSkip;

    private int singleByteReplies;
    private final byte[] serverHeader = new byte[6];
    private int serverHeaderLength;
    private long serverSkip;

    private int awaitedReady;
    private char status;

    /** Between transactions: every request answered, the last answer with status {@code I}. */
    boolean idle() {
        return !opaque && clientStarted && awaitedReady == 0 && status == 'I';
    }

    /** Bytes the client sends to the server. */
    void client(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end && !opaque) {
            if (clientSkip > 0) {
                int n = (int) Math.min(clientSkip, end - i);
                clientSkip -= n;
                i += n;
                continue;
            }
            // Before the startup message, messages have no type byte: length, then a request code.
            int need = clientStarted ? 5 : 8;
            while (clientHeaderLength < need && i < end) {
                clientHeader[clientHeaderLength++] = bytes[i++];
            }
            if (clientHeaderLength < need) {
                return;
            }
            clientHeaderLength = 0;
            if (clientStarted) {
                int messageLength = readInt(clientHeader, 1);
                if (messageLength < 4) {
                    opaque = true;
                    return;
                }
                char type = (char) clientHeader[0];
                if (type == 'Q' || type == 'S' || type == 'F') {
                    awaitedReady++;
                }
                clientSkip = messageLength - 4L;
            } else {
                int messageLength = readInt(clientHeader, 0);
                int code = readInt(clientHeader, 4);
                if (messageLength < 8 || messageLength > MAX_STARTUP_LENGTH) {
                    opaque = true;
                    return;
                }
                if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
                    singleByteReplies++;
                } else if ((code >>> 16) == 3) {
                    // The startup message; authentication ends with the first ReadyForQuery.
                    clientStarted = true;
                    awaitedReady++;
                } else {
                    // A cancel request or something unknown: nothing to follow.
                    opaque = true;
                    return;
                }
                clientSkip = messageLength - 8L;
            }
        }
    }

    /** Bytes the server sends to the client. */
    void server(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end && !opaque) {
            if (serverSkip > 0) {
                int n = (int) Math.min(serverSkip, end - i);
                serverSkip -= n;
                i += n;
                continue;
            }
            if (singleByteReplies > 0 && serverHeaderLength == 0) {
                // The answer to an SSL or GSS encryption request: 'N' refuses it; 'S' or 'G' starts encryption.
                byte reply = bytes[i++];
                singleByteReplies--;
                if (reply == 'S' || reply == 'G') {
                    opaque = true;
                }
                continue;
            }
            while (i < end && serverHeaderLength < serverHeaderNeeded()) {
                serverHeader[serverHeaderLength++] = bytes[i++];
            }
            if (serverHeaderLength < serverHeaderNeeded()) {
                return;
            }
            int messageLength = readInt(serverHeader, 1);
            if (messageLength < 4) {
                opaque = true;
                return;
            }
            if (serverHeader[0] == 'Z') {
                if (messageLength != 5) {
                    opaque = true;
                    return;
                }
                status = (char) serverHeader[5];
                if (awaitedReady > 0) {
                    awaitedReady--;
                }
                serverSkip = 0;
            } else {
                serverSkip = messageLength - 4L;
            }
            serverHeaderLength = 0;
        }
    }

    private int serverHeaderNeeded() {
        return serverHeaderLength > 0 && serverHeader[0] == 'Z' ? 6 : 5;
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
