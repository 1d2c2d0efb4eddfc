package io.hadr.frontdoor.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;

/**
 * Writes HTTP/1.1 heads: assembled in one reusable array per event loop, then copied into a
 * network buffer at once. Header names and values are written as ISO-8859-1, the way Jetty's
 * parser read them, so that any byte a client or origin sent passes through unchanged.
 *
 * <p>Not thread-safe: each event loop has its own, used for one head at a time.
 */
final class HttpWriting {

    private static final byte[][] STATUS_LINES = new byte[600][];
    private static final byte[] COLON_SPACE = {':', ' '};
    private static final byte[] CRLF = {'\r', '\n'};

    static {
        for (int status = 100; status < STATUS_LINES.length; status++) {
            STATUS_LINES[status] = ("HTTP/1.1 " + status + " " + HttpStatus.getMessage(status) + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private byte[] bytes = new byte[4096];
    private int length;

    /** Starts a new head. */
    HttpWriting start() {
        length = 0;
        return this;
    }

    /** {@code HTTP/1.1 200 OK}: the reason is the standard one, as Jetty's server wrote it. */
    HttpWriting statusLine(int status) {
        byte[] line = status >= 100 && status < STATUS_LINES.length ? STATUS_LINES[status] : null;
        if (line != null) {
            return append(line);
        }
        return append("HTTP/1.1 ")
                .append(Integer.toString(status))
                .append(" ")
                .append(HttpStatus.getMessage(status))
                .append(CRLF);
    }

    HttpWriting field(HttpField field) {
        HttpHeader header = field.getHeader();
        if (header != null && header.asString().equals(field.getName())) {
            append(header.getBytesColonSpace());
        } else {
            append(field.getName()).append(COLON_SPACE);
        }
        String value = field.getValue();
        if (value != null) {
            append(value);
        }
        return append(CRLF);
    }

    HttpWriting field(String name, String value) {
        append(name).append(COLON_SPACE);
        if (value != null) {
            append(value);
        }
        return append(CRLF);
    }

    HttpWriting field(byte[] nameColonSpace, String value) {
        return append(nameColonSpace).append(value).append(CRLF);
    }

    HttpWriting fields(HttpFields fields) {
        for (HttpField field : fields) {
            field(field);
        }
        return this;
    }

    HttpWriting crlf() {
        return append(CRLF);
    }

    HttpWriting append(byte[] chunk) {
        ensure(chunk.length);
        System.arraycopy(chunk, 0, bytes, length, chunk.length);
        length += chunk.length;
        return this;
    }

    /** Appends a string's characters as ISO-8859-1 bytes (every character the parser produced is one). */
    @SuppressWarnings("deprecation") // exactly the low byte of each char, copied without a per-call array
    HttpWriting append(String text) {
        int n = text.length();
        ensure(n);
        text.getBytes(0, n, bytes, length);
        length += n;
        return this;
    }

    /** The head so far, in a new network buffer with {@code extra} bytes of room (for a small body). */
    ByteBuf toBuffer(ByteBufAllocator alloc, int extra) {
        ByteBuf out = alloc.ioBuffer(length + extra);
        out.writeBytes(bytes, 0, length);
        return out;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    /** Name and ": " as bytes, for the names the front door writes on every request. */
    static byte[] nameColonSpace(String name) {
        return (name + ": ").getBytes(StandardCharsets.ISO_8859_1);
    }
}
