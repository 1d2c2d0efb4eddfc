package io.hadr.toolkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The end of a log file, for error messages; reads only the file's last bytes, however large it is. */
public final class LogTail {

    private static final int MAX_BYTES = 16 * 1024;

    private LogTail() {}

    /** The last {@code lines} lines of {@code file}, each indented by two spaces; never throws. */
    public static String of(Path file, int lines) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long from = Math.max(0, length - MAX_BYTES);
            raf.seek(from);
            byte[] bytes = new byte[(int) (length - from)];
            raf.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            // A read that starts mid-file starts mid-line: drop the partial first line.
            int first = Math.max(from > 0 ? 1 : 0, all.length - lines);
            List<String> tail = new ArrayList<>();
            for (int i = first; i < all.length; i++) {
                tail.add("  " + all[i]);
            }
            return tail.isEmpty() ? "  (the log is empty)" : String.join("\n", tail);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return "  (no log yet at " + file + ")";
        } catch (IOException e) {
            return "  (cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
