package io.hadr.geodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldExtractTheBundleOnceWhenTwoExtractionsRace() throws Exception {
        Path cache = tempDir.resolve("cache");
        PostgresBinaries first = PostgresBinaries.bundled(cache);
        PostgresBinaries second = PostgresBinaries.bundled(cache);

        CompletableFuture<Path> a = CompletableFuture.supplyAsync(first::binDir);
        CompletableFuture<Path> b = CompletableFuture.supplyAsync(second::binDir);

        Path binDir = a.get(120, TimeUnit.SECONDS);
        assertThat(b.get(120, TimeUnit.SECONDS)).isEqualTo(binDir);
        assertThat(binDir)
                .isEqualTo(cache.resolve("postgres-" + PostgresBinaries.bundledVersion())
                        .resolve("bin"));
        assertThat(binDir.resolve("postgres")).isExecutable();
        assertThat(binDir.resolve("initdb")).isExecutable();
        assertThat(binDir.resolveSibling("lib").resolve("libpq.so.5")).exists();
        try (Stream<Path> leftovers = Files.list(cache)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactly("postgres-17.11.0");
        }
        // A third instance reuses the extracted copy.
        assertThat(PostgresBinaries.bundled(cache).binDir()).isEqualTo(binDir);
    }

    @Test
    void shouldExplainAMissingSystemInstallation() {
        PostgresBinaries binaries = PostgresBinaries.system(tempDir.resolve("no-such-pg/bin"));

        assertThatThrownBy(binaries::binDir)
                .isInstanceOf(GeoDbException.class)
                .hasMessageContaining(tempDir.resolve("no-such-pg/bin/initdb").toString())
                .hasMessageContaining("--pg-bin");
    }

    @Test
    void shouldNameTheDirectoryThePostgresAccountCannotReach() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "only root switches PostgreSQL to an unprivileged account");
        Path hidden = Files.createTempDirectory("hadr-private");
        try {
            Files.setPosixFilePermissions(hidden, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            GeoDbConfig config = GeoDbConfig.custom()
                    .dataRoot(hidden.resolve("db"))
                    .server("centralindia", 0)
                    .server("southindia", 0)
                    .build();

            try (GeoDatabase db = new GeoDatabase(config)) {
                assertThatThrownBy(db::start)
                        .isInstanceOf(GeoDbException.class)
                        .hasMessageContaining("PostgreSQL runs as 'nobody'")
                        .hasMessageContaining("because " + hidden + " (owner root, mode rwx------) is not searchable")
                        .hasMessageContaining("chmod o+x " + hidden);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(hidden)) {
                walk.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }
}
