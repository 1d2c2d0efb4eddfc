package io.hadr.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JsonTest {

    record Place(Path path) {}

    @Test
    void shouldWritePathsAsPlainPathsAndReadBothForms() throws Exception {
        String json = Json.mapper().writeValueAsString(new Place(Path.of("/var/lib/hadr/a b")));

        assertThat(json).isEqualTo("{\"path\":\"/var/lib/hadr/a b\"}");
        assertThat(Json.mapper().readValue(json, Place.class).path()).isEqualTo(Path.of("/var/lib/hadr/a b"));
        assertThat(Json.mapper()
                        .readValue("{\"path\":\"file:///var/lib/hadr/a%20b\"}", Place.class)
                        .path())
                .isEqualTo(Path.of("/var/lib/hadr/a b"));
    }
}
