package io.hadr.geodb.internal.backup;

import io.hadr.toolkit.Hashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one generation of a store can restore: the archived WAL read as a chain along a timeline
 * history, from a first segment to where it stops (a segment not archived yet, or invalid WAL).
 * Each segment is read once; its {@link SegmentSummary} is kept in the store's {@code index}
 * directory, so a chain of thousands of segments is evaluated from the summaries.
 */
public final class WalIndex {

    private static final Logger LOG = LoggerFactory.getLogger(WalIndex.class);
    private static final String SUMMARY = ".summary";

    private final BackupStore store;
    private final int generation;
    private final Map<String, SegmentSummary> summaries = new ConcurrentHashMap<>();
    /** The file (size and modification time) each summary in memory was made from or checked against. */
    private final Map<String, Fingerprint> fingerprints = new ConcurrentHashMap<>();

    private record Fingerprint(long size, long modifiedMillis) {
        static Fingerprint of(Path file) throws IOException {
            return new Fingerprint(
                    Files.size(file), Files.getLastModifiedTime(file).toMillis());
        }
    }

    public WalIndex(BackupStore store, int generation) {
        this.store = store;
        this.generation = generation;
    }

    public BackupStore store() {
        return store;
    }

    public int generation() {
        return generation;
    }

    /**
     * The archived WAL of this generation read as one chain.
     *
     * @param history the timeline path to follow (the newest timeline of the generation)
     * @param fromSegno the first segment (the oldest base backup's start)
     */
    public synchronized WalChain chain(TimelineHistory history, long fromSegno) {
        Map<String, Path> files = store.walFiles(generation);
        List<SegmentSummary> chain = new ArrayList<>();
        String predecessor = "-";
        WalReader.State state = null;
        long segno = fromSegno;
        String problem = null;
        long missing = -1;
        while (true) {
            String name = WalFile.segmentName(history.timelineOfSegment(segno), segno);
            Path file = files.get(name);
            if (file == null) {
                missing = segno;
                break;
            }
            SegmentSummary summary;
            try {
                summary = summary(name, file, segno, predecessor, state);
            } catch (IOException e) {
                problem = "segment " + name + " cannot be read: " + e.getMessage();
                break;
            }
            chain.add(summary);
            if (!summary.end().complete()) {
                problem =
                        "invalid WAL in segment " + name + ": " + summary.end().error();
                break;
            }
            predecessor = name;
            state = summary.state();
            segno++;
        }
        if (problem == null && missing >= 0 && laterSegmentExists(files, history, missing)) {
            problem = "segment " + WalFile.segmentName(history.timelineOfSegment(missing), missing)
                    + " is missing from the store, but later segments are there";
        }
        return new WalChain(store.region(), generation, history, fromSegno, chain, missing, problem);
    }

    private static boolean laterSegmentExists(Map<String, Path> files, TimelineHistory history, long missing) {
        return files.keySet().stream()
                .map(WalFile::parse)
                .flatMap(java.util.Optional::stream)
                .anyMatch(f -> f.isSegment() && f.segno() > missing && history.contains(f.timeline()));
    }

    private SegmentSummary summary(String name, Path file, long segno, String predecessor, WalReader.State state)
            throws IOException {
        // The archive never overwrites a file, but an operator may move a foreign or partial one
        // away and the real segment is archived under the same name: a summary of invalid WAL
        // holds only for the file it was made from. A valid segment's summary is kept whatever
        // happens to its file later, so that verification finds the damage by its checksum. One
        // loaded from disk is trusted for the file there now.
        Fingerprint now = Fingerprint.of(file);
        SegmentSummary cached = summaries.get(name);
        if (cached == null) {
            cached = load(name);
            if (cached != null) {
                fingerprints.putIfAbsent(name, now);
            }
        }
        if (cached != null
                && cached.predecessor().equals(predecessor)
                && (cached.end().complete() || now.equals(fingerprints.get(name)))) {
            return cached;
        }
        SegmentSummary summary = read(name, file, segno, predecessor, state);
        summaries.put(name, summary);
        fingerprints.put(name, now);
        save(summary);
        return summary;
    }

    /** Reads a segment (again) with the reader standing where {@code state} says. */
    public static SegmentSummary read(String name, Path file, long segno, String predecessor, WalReader.State state)
            throws IOException {
        byte[] data = DurableFiles.read(file);
        WalReader reader = state == null ? new WalReader() : WalReader.resume(state, WalReader.partialTotal(state));
        SegmentSummary.Collector collector = new SegmentSummary.Collector();
        WalReader.SegmentEnd end;
        if (data.length != WalFile.SEGMENT_SIZE) {
            end = new WalReader.SegmentEnd(
                    WalFile.startOf(segno),
                    false,
                    -1,
                    -1,
                    "the file holds " + data.length + " bytes, not a whole segment of " + WalFile.SEGMENT_SIZE);
        } else {
            end = reader.feed(segno, data, collector);
        }
        return new SegmentSummary(
                name,
                predecessor,
                Hashes.sha256Hex(data),
                end,
                collector.transactionEnds,
                collector.first,
                collector.last,
                collector.restorePoints,
                reader.state());
    }

    /** The segment's summary still holds for its compressed copy: it is not read again. */
    public void compressed(String name, Path gz) {
        if (summaries.containsKey(name)) {
            try {
                fingerprints.put(name, Fingerprint.of(gz));
            } catch (IOException e) {
                fingerprints.remove(name);
            }
        }
    }

    /** Forgets a segment (deleted by retention, or to be read again). */
    public void forget(String name) {
        summaries.remove(name);
        fingerprints.remove(name);
        try {
            DurableFiles.delete(store.indexDir(generation).resolve(name + SUMMARY));
        } catch (IOException e) {
            LOG.debug("Cannot delete the summary of {}: {}", name, e.toString());
        }
    }

    /** The summary kept for a segment, or null. */
    public SegmentSummary cached(String name) {
        SegmentSummary s = summaries.get(name);
        return s != null ? s : load(name);
    }

    private SegmentSummary load(String name) {
        Path file = store.indexDir(generation).resolve(name + SUMMARY);
        try {
            SegmentSummary s = SegmentSummary.fromText(Files.readString(file));
            summaries.put(name, s);
            return s;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring the unreadable WAL summary {}: {}", file, e.toString());
            return null;
        }
    }

    private void save(SegmentSummary summary) {
        Path dir = store.indexDir(generation);
        try {
            Files.createDirectories(dir);
            DurableFiles.writeAtomically(dir.resolve(summary.file() + SUMMARY), summary.toText());
        } catch (IOException e) {
            LOG.warn("Cannot keep the summary of {} in {}: {}", summary.file(), dir, e.toString());
        }
    }

    @Override
    public String toString() {
        return "WAL index of " + store.region() + " generation " + generation;
    }
}
