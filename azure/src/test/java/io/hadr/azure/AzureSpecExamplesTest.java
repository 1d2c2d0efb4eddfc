package io.hadr.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hadr.azure.fake.SpecExamples;
import io.hadr.azure.fake.SpecExamples.ConflictMarkers;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The vendored Azure examples and schemas: listed with their pinned commit, unchanged (schemas by
 * git blob id), each parsed as JSON; the one published with merge-conflict markers is caught.
 */
class AzureSpecExamplesTest {

    @Test
    void theManifestListsEveryVendoredFileAndNothingElse() throws IOException, URISyntaxException {
        Path root = Path.of(
                AzureSpecExamplesTest.class.getResource(SpecExamples.ROOT).toURI());
        List<String> onDisk;
        try (Stream<Path> files = Files.walk(root)) {
            onDisk = files.filter(p -> p.toString().endsWith(".json"))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .toList();
        }

        assertThat(SpecExamples.manifest())
                .extracting(SpecExamples.Entry::file)
                .containsExactlyInAnyOrderElementsOf(onDisk);
        assertThat(SpecExamples.manifest()).allSatisfy(e -> {
            assertThat(e.commit()).matches("[0-9a-f]{40}");
            assertThat(e.path()).endsWith(e.file().substring(e.file().lastIndexOf('/')));
        });
    }

    @Test
    void theSchemasAreByteForByteTheFilesAtThePinnedCommit() {
        List<SpecExamples.Entry> schemas = SpecExamples.manifest().stream()
                .filter(e -> e.file().startsWith("schemas/"))
                .toList();

        assertThat(schemas).hasSize(4);
        for (SpecExamples.Entry schema : schemas) {
            assertThat(gitBlobId(SpecExamples.bytes(schema.file())))
                    .as(schema.file())
                    .isEqualTo(schema.blobId());
        }
    }

    @Test
    void everyVendoredExampleParsesAsJsonExceptTheOneWithConflictMarkers() {
        List<SpecExamples.Entry> examples = SpecExamples.manifest().stream()
                .filter(e -> e.file().startsWith("examples/"))
                .toList();

        assertThat(examples).hasSizeGreaterThan(15);
        for (SpecExamples.Entry example : examples) {
            String text = SpecExamples.text(example.file());
            if (example.file().equals(SpecExamples.CONFLICTED)) {
                assertThat(ConflictMarkers.present(text)).isTrue();
                assertThatThrownBy(() -> new com.fasterxml.jackson.databind.ObjectMapper().readTree(text))
                        .isInstanceOf(IOException.class);
                continue;
            }
            assertThat(ConflictMarkers.present(text)).as(example.file()).isFalse();
            JsonNode json = SpecExamples.example(example.file());
            assertThat(json.path("parameters").path("api-version").asText())
                    .as(example.file())
                    .matches("\\d{4}-\\d{2}-\\d{2}");
            assertThat(json.path("responses").isObject()).as(example.file()).isTrue();
        }
    }

    @Test
    void theConflictedExampleIsRepairedExplicitlyByKeepingTheUpstreamSide() {
        String text = SpecExamples.text(SpecExamples.CONFLICTED);

        JsonNode upstream = SpecExamples.parseForTest(ConflictMarkers.resolve(text, "upstream/main"));
        JsonNode head = SpecExamples.parseForTest(ConflictMarkers.resolve(text, "HEAD"));

        assertThat(upstream.path("operationId").asText()).isEqualTo("AppServicePlans_CreateOrUpdate");
        assertThat(head.has("operationId")).isFalse();
        assertThat(upstream.path("responses")
                        .path("202")
                        .path("headers")
                        .path("azure-asyncoperation")
                        .asText())
                .isEqualTo(head.path("responses")
                        .path("202")
                        .path("headers")
                        .path("azure-asyncoperation")
                        .asText());
        assertThat(upstream.path("parameters").path("appServicePlan").path("sku"))
                .isEqualTo(head.path("parameters").path("appServicePlan").path("sku"));
        assertThat(SpecExamples.example(SpecExamples.CONFLICTED)).isEqualTo(upstream);
        assertThatThrownBy(() -> ConflictMarkers.resolve(text, "feature/x"))
                .hasMessageContaining("no side 'feature/x'");
        assertThatThrownBy(() -> ConflictMarkers.resolve("{\n<<<<<<< HEAD\n\"a\": 1\n", "HEAD"))
                .hasMessageContaining("unterminated");
    }

    @Test
    void markersCountOnlyAtTheStartOfALine() {
        assertThat(ConflictMarkers.present("{\n=======\n}")).isTrue();
        assertThat(ConflictMarkers.present("{\"a\": \"<<<<<<< not at a line start\"}"))
                .isFalse();
    }

    private static String gitBlobId(byte[] content) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha1.digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
