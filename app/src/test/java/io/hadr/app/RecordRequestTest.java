package io.hadr.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordRequestTest {

    // As the app configures it: strict duplicate detection on for every other JSON it reads.
    private final JsonFactory json = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private RecordRequest parse(String body) {
        return RecordRequest.parse(json, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsARecord() {
        assertThat(parse(" {\"seq\":7,\"writer\":\"w-1\",\"id\":\"w-1-7\"}\n"))
                .isEqualTo(new RecordRequest("w-1-7", "w-1", 7));
    }

    @Test
    void refusesADuplicateKeyNamingIt() {
        assertThatThrownBy(() -> parse("{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":1,\"seq\":2}"))
                .isInstanceOf(RecordRequest.InvalidException.class)
                .hasMessage("the key 'seq' appears more than once; send each of id, writer and seq once");
        assertThatThrownBy(() -> parse("{\"id\":\"a-1\",\"id\":\"a-2\",\"writer\":\"a\",\"seq\":1}"))
                .hasMessageStartingWith("the key 'id' appears more than once");
    }

    @Test
    void refusesAnythingAfterTheObject() {
        for (String body : new String[] {
            "{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":1}{\"id\":\"a-2\",\"writer\":\"a\",\"seq\":2}",
            "{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":1} 42",
            "{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":1}]",
            "{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":1}garbage"
        }) {
            assertThatThrownBy(() -> parse(body))
                    .as(body)
                    .isInstanceOf(RecordRequest.InvalidException.class)
                    .hasMessageStartingWith("the body has more after the JSON object");
        }
    }

    @Test
    void saysWhatIsWrongWithOtherBadBodies() {
        assertThatThrownBy(() -> parse("")).hasMessageStartingWith("the body must be one JSON object");
        assertThatThrownBy(() -> parse("[1,2]")).hasMessageStartingWith("the body must be one JSON object");
        assertThatThrownBy(() -> parse("not json")).hasMessageStartingWith("the body is not valid JSON (at line 1");
        assertThatThrownBy(() -> parse("{\"id\":\"a-1\",\"writer\":\"a\"}")).hasMessage("'seq' is missing");
        assertThatThrownBy(() -> parse("{\"id\":null,\"writer\":\"a\",\"seq\":1}"))
                .hasMessage("'id' is missing");
        assertThatThrownBy(() -> parse("{\"id\":1,\"writer\":\"a\",\"seq\":1}"))
                .hasMessageStartingWith("'id' must be a string");
        assertThatThrownBy(() -> parse("{\"id\":\"a 1\",\"writer\":\"a\",\"seq\":1}"))
                .hasMessageStartingWith("'id' must be a string");
        assertThatThrownBy(() -> parse("{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":-1}"))
                .hasMessage("'seq' must be a whole number, 0 or more");
        assertThatThrownBy(() -> parse("{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":1.5}"))
                .hasMessage("'seq' must be a whole number, 0 or more");
        assertThatThrownBy(() -> parse("{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":99999999999999999999}"))
                .hasMessage("'seq' must be a whole number, 0 or more");
        assertThatThrownBy(() -> parse("{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":1,\"x\":{}}"))
                .hasMessage("unknown field 'x'; a record has id, writer and seq");
        assertThatThrownBy(() -> parse("{\"id\":\"a-1\",\"writer\":\"a\",\"seq\":1"))
                .hasMessageStartingWith("the body is not valid JSON");
    }

    @Test
    void parserFeatureIsOnlyLeftOffForTheRecordParser() {
        assertThat(json.isEnabled(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
                .isTrue();
    }
}
