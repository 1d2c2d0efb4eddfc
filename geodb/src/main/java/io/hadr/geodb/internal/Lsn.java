package io.hadr.geodb.internal;

/** PostgreSQL write-ahead log positions ({@code 0/3000148}) as comparable numbers. */
public final class Lsn {

    private Lsn() {}

    /** Parses {@code "16/B374D848"}; null stays null. */
    public static Long parse(String text) {
        if (text == null) {
            return null;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an LSN: '" + text + "'");
        }
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        return (high << 32) | low;
    }

    /** Formats as PostgreSQL does; null stays null. */
    public static String format(Long lsn) {
        if (lsn == null) {
            return null;
        }
        return String.format("%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }
}
