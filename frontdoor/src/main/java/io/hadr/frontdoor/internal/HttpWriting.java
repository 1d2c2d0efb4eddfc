package io.hadr.frontdoor.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;

/**
 * Writes HTTP/1.1 heads into buffers. Header names and values are written as ISO-8859-1, the way
 * Jetty's parser read them, so that any byte a client or origin sent passes through unchanged.
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

    private HttpWriting() {
    }

    /** {@code HTTP/1.1 200 OK}: the reason is the standard one, as Jetty's server wrote it. */
    static void statusLine(ByteBuf out, int status) {
        byte[] line = status >= 100 && status < STATUS_LINES.length ? STATUS_LINES[status] : null;
        if (line != null) {
            out.writeBytes(line);
        } else {
            out.writeCharSequence("HTTP/1.1 " + status + " " + HttpStatus.getMessage(status) + "\r\n",
                    StandardCharsets.ISO_8859_1);
        }
    }

    static void field(ByteBuf out, HttpField field) {
        field(out, field.getName(), field.getValue());
    }

    static void field(ByteBuf out, String name, String value) {
        out.writeCharSequence(name, StandardCharsets.ISO_8859_1);
        out.writeBytes(COLON_SPACE);
        if (value != null) {
            out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
        }
        out.writeBytes(CRLF);
    }

    static void fields(ByteBuf out, HttpFields fields) {
        for (HttpField field : fields) {
            field(out, field);
        }
    }

    static void crlf(ByteBuf out) {
        out.writeBytes(CRLF);
    }
}
