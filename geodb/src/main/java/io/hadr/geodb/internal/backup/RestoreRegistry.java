package io.hadr.geodb.internal.backup;

import io.hadr.geodb.GeoDbException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The restored servers that exist, in {@code restores.properties} beside their directories, so
 * that they survive a restart of the group until they are adopted or dropped.
 */
public final class RestoreRegistry {

    /**
     * One restored server.
     *
     * @param name its name
     * @param region the region it lives in
     * @param port its port
     * @param createdAt when the restore finished
     * @param target the target in words
     * @param baseBackup the base backup it began from
     * @param reachedCommitTime the last replayed transaction's end, or null
     * @param reachedLsn the WAL position reached
     */
    public record Entry(
            String name,
            String region,
            int port,
            Instant createdAt,
            String target,
            String baseBackup,
            Instant reachedCommitTime,
            String reachedLsn) {}

    private final Path file;
    private final Map<String, Entry> entries = new TreeMap<>();

    public RestoreRegistry(Path root) {
        this.file = root.resolve("restores.properties");
        load();
    }

    public Path root() {
        return file.getParent();
    }

    public synchronized List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    public synchronized Entry get(String name) {
        return entries.get(name);
    }

    public synchronized void put(Entry entry) {
        entries.put(entry.name(), entry);
        save();
    }

    public synchronized void remove(String name) {
        if (entries.remove(name) != null) {
            save();
        }
    }

    private void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(file)));
        } catch (IOException e) {
            throw new GeoDbException("cannot read the restored servers' record " + file + ": " + e, e);
        }
        for (String key : p.stringPropertyNames()) {
            if (key.endsWith(".region")) {
                String name = key.substring(0, key.length() - ".region".length());
                String reached = p.getProperty(name + ".reachedCommitTime", "");
                entries.put(
                        name,
                        new Entry(
                                name,
                                p.getProperty(key),
                                Integer.parseInt(p.getProperty(name + ".port")),
                                Instant.parse(p.getProperty(name + ".createdAt")),
                                p.getProperty(name + ".target"),
                                p.getProperty(name + ".baseBackup"),
                                reached.isEmpty() ? null : Instant.parse(reached),
                                p.getProperty(name + ".reachedLsn")));
            }
        }
    }

    private void save() {
        Properties p = new Properties();
        for (Entry e : entries.values()) {
            p.setProperty(e.name() + ".region", e.region());
            p.setProperty(e.name() + ".port", Integer.toString(e.port()));
            p.setProperty(e.name() + ".createdAt", e.createdAt().toString());
            p.setProperty(e.name() + ".target", e.target());
            p.setProperty(e.name() + ".baseBackup", e.baseBackup());
            p.setProperty(
                    e.name() + ".reachedCommitTime",
                    e.reachedCommitTime() == null ? "" : e.reachedCommitTime().toString());
            p.setProperty(e.name() + ".reachedLsn", e.reachedLsn());
        }
        StringWriter out = new StringWriter();
        try {
            p.store(out, "hadr geodb: restored servers (adopt or drop them with hadr)");
            Files.createDirectories(file.getParent());
            DurableFiles.writeAtomically(file, out.toString());
        } catch (IOException e) {
            throw new GeoDbException("cannot write the restored servers' record " + file + ": " + e, e);
        }
    }
}
