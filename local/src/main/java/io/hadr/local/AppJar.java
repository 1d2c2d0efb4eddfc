package io.hadr.local;

import io.hadr.toolkit.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Finds the app jar that each region runs: the one named by the {@code hadr.app.jar} system
 * property or the {@code HADR_APP_JAR} environment variable, else the copy packed inside the
 * {@code hadr} jar, extracted once into the state directory's cache.
 */
public final class AppJar {

    static final String RESOURCE = "/io/hadr/local/hadr-app.jar";

    private AppJar() {}

    public static Path locate(StateDir stateDir) {
        String explicit = System.getProperty("hadr.app.jar", System.getenv("HADR_APP_JAR"));
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit);
            if (!Files.isRegularFile(path)) {
                throw new LocalEnvironmentException(
                        "the app jar " + path + " (from hadr.app.jar / HADR_APP_JAR) does not exist;"
                                + " build it with 'mvn -pl app package' or unset the variable");
            }
            return path;
        }
        return extractBundled(stateDir.cache());
    }

    private static Path extractBundled(Path cache) {
        try (InputStream in = AppJar.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new LocalEnvironmentException(
                        "this hadr build has no app jar inside; rebuild with './hadr' or 'mvn verify',"
                                + " or point HADR_APP_JAR at app/target/hadr-app.jar");
            }
            byte[] bytes = in.readAllBytes();
            String hash = Hashes.sha256Hex(bytes).substring(0, 16);
            Path target = cache.resolve("hadr-app-" + hash + ".jar");
            if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
                return target;
            }
            Files.createDirectories(cache);
            Path tmp = Files.createTempFile(cache, "hadr-app-", ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new LocalEnvironmentException("cannot extract the app jar into " + cache + ": " + e.getMessage(), e);
        }
    }
}
