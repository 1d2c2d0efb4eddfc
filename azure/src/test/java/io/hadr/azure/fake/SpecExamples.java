package io.hadr.azure.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The request/response examples and ARM schemas vendored from Azure's public repositories into
 * {@code src/test/resources/azure-specs}, as listed in its {@code MANIFEST.tsv} (local file,
 * repository, commit, path, blob id).
 *
 * <p>One stored example, {@code web/2025-03-01/CreateOrUpdateAppServicePlan.json} at commit
 * {@code ac2d2f40}, contains git merge-conflict markers and is not JSON. It is kept as it was
 * published, detected by {@link ConflictMarkers}, and read through an explicit repair that
 * keeps the {@code upstream/main} side; every other file must parse as it is.
 */
public final class SpecExamples {

    public static final String ROOT = "/azure-specs/";
    /** The one vendored file known to hold merge-conflict markers, and the side its repair keeps. */
    public static final String CONFLICTED = "examples/web/2025-03-01/CreateOrUpdateAppServicePlan.json";

    public static final String CONFLICT_SIDE_KEPT = "upstream/main";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line of the manifest. */
    public record Entry(String file, String repository, String commit, String path, String blobId) {}

    private SpecExamples() {}

    public static List<Entry> manifest() {
        List<Entry> entries = new ArrayList<>();
        for (String line : text("MANIFEST.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 5) {
                throw new IllegalStateException("MANIFEST.tsv: a line needs 5 tab-separated fields: " + line);
            }
            entries.add(new Entry(f[0], f[1], f[2], f[3], f[4].equals("-") ? null : f[4]));
        }
        return entries;
    }

    /** A vendored file's bytes. */
    public static byte[] bytes(String file) {
        try (InputStream in = SpecExamples.class.getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new IllegalStateException("no vendored file " + ROOT + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String file) {
        return new String(bytes(file), StandardCharsets.UTF_8);
    }

    /** An example as JSON; the conflicted one through its repair, any other as it is. */
    public static JsonNode example(String file) {
        String text = text(file);
        if (ConflictMarkers.present(text)) {
            if (!file.equals(CONFLICTED)) {
                throw new IllegalStateException(
                        file + " has merge-conflict markers; only " + CONFLICTED + " is known to");
            }
            text = ConflictMarkers.resolve(text, CONFLICT_SIDE_KEPT);
        }
        return parse(file, text);
    }

    /** The body of one response of an example, e.g. {@code example("...Profiles_Get.json", "200")}. */
    public static JsonNode response(String file, String status) {
        JsonNode body = example(file).path("responses").path(status).path("body");
        if (body.isMissingNode()) {
            throw new IllegalStateException(file + " has no " + status + " response body");
        }
        return body.deepCopy();
    }

    /** Parses JSON text (for tests of the repair). */
    public static JsonNode parseForTest(String text) {
        return parse("(text)", text);
    }

    static JsonNode parse(String file, String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(file + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** Git merge-conflict markers: {@code <<<<<<< A}, {@code =======}, {@code >>>>>>> B}, each at a line start. */
    public static final class ConflictMarkers {

        private ConflictMarkers() {}

        public static boolean present(String text) {
            for (String line : text.split("\n", -1)) {
                if (line.startsWith("<<<<<<< ") || line.startsWith(">>>>>>> ") || line.equals("=======")) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Keeps one side of every conflict: {@code side} names the label after {@code >>>>>>>}
         * (the incoming side) or after {@code <<<<<<<} (the current side).
         */
        public static String resolve(String text, String side) {
            StringBuilder out = new StringBuilder();
            String state = "outside";
            StringBuilder ours = null;
            StringBuilder theirs = null;
            String oursLabel = null;
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                String newline = i < lines.length - 1 ? "\n" : "";
                switch (state) {
                    case "outside" -> {
                        if (line.startsWith("<<<<<<< ")) {
                            oursLabel = line.substring(8).strip();
                            ours = new StringBuilder();
                            theirs = new StringBuilder();
                            state = "ours";
                        } else {
                            out.append(line).append(newline);
                        }
                    }
                    case "ours" -> {
                        if (line.equals("=======")) {
                            state = "theirs";
                        } else {
                            ours.append(line).append(newline);
                        }
                    }
                    case "theirs" -> {
                        if (line.startsWith(">>>>>>> ")) {
                            String theirsLabel = line.substring(8).strip();
                            if (side.equals(theirsLabel)) {
                                out.append(theirs);
                            } else if (side.equals(oursLabel)) {
                                out.append(ours);
                            } else {
                                throw new IllegalArgumentException("a conflict between '" + oursLabel + "' and '"
                                        + theirsLabel + "' has no side '" + side + "'");
                            }
                            state = "outside";
                        } else {
                            theirs.append(line).append(newline);
                        }
                    }
                    default -> throw new IllegalStateException(state);
                }
            }
            if (!state.equals("outside")) {
                throw new IllegalArgumentException("an unterminated merge conflict (no '>>>>>>>' line)");
            }
            return out.toString();
        }
    }
}
