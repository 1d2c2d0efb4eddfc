package io.hadr.geodb.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** PostgreSQL protocol messages as bytes, for tests. */
final class PgWire {

    private PgWire() {}

    static byte[] sslRequest() {
        return untyped(80877103, new byte[0]);
    }

    static byte[] startup() {
        byte[] params = "user\0hadr\0database\0hadr\0\0".getBytes(StandardCharsets.US_ASCII);
        return untyped(196608, params);
    }

    static byte[] query(String sql) {
        return typed('Q', (sql + "\0").getBytes(StandardCharsets.UTF_8));
    }

    static byte[] parseBindExecuteSync() {
        return concat(
                typed('P', "\0INSERT 1\0\0\0".getBytes(StandardCharsets.US_ASCII)),
                typed('B', new byte[] {0, 0, 0, 0, 0, 0, 0, 0}),
                typed('E', new byte[] {0, 0, 0, 0, 0}),
                typed('S', new byte[0]));
    }

    static byte[] authOk() {
        return typed('R', new byte[] {0, 0, 0, 0});
    }

    static byte[] ready(char status) {
        return typed('Z', new byte[] {(byte) status});
    }

    static byte[] commandComplete(String tag) {
        return typed('C', (tag + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] typed(char type, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        writeInt(out, body.length + 4);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] untyped(int code, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, body.length + 8);
        writeInt(out, code);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
