package io.hadr.drill.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordsReaderTest {

    private static List<RecordsReader.StoredRecord> parse(String body) throws Exception {
        return RecordsReader.parse("w", new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldReadAWholeDocument() throws Exception {
        List<RecordsReader.StoredRecord> records =
                parse("{\"writer\":\"w\",\"records\":[{\"id\":\"w-1\",\"writer\":\"w\",\"seq\":1,"
                        + "\"region\":\"Central India\",\"committedAt\":\"2026-01-01T00:00:00Z\"}],\"count\":1}");

        assertThat(records).extracting(RecordsReader.StoredRecord::id).containsExactly("w-1");
    }

    @Test
    void shouldReadAnEmptyWholeDocumentAsNoRecords() throws Exception {
        assertThat(parse("{\"writer\":\"w\",\"records\":[],\"count\":0}")).isEmpty();
    }

    @Test
    void shouldRefuseAStreamThatBrokeOff() {
        assertThatThrownBy(() -> parse("{\"writer\":\"w\",\"records\":[{\"id\":\"w-1\",\"seq\":1}"))
                .isInstanceOf(RecordsReader.ReadFailedException.class)
                .hasMessageContaining("not a whole JSON document");
        assertThatThrownBy(() -> parse("{\"writer\":\"w\",\"records\":["))
                .isInstanceOf(RecordsReader.ReadFailedException.class);
        assertThatThrownBy(() -> parse("")).isInstanceOf(RecordsReader.ReadFailedException.class);
    }

    @Test
    void shouldRefuseADocumentWithoutItsCount() {
        assertThatThrownBy(() -> parse("{\"writer\":\"w\",\"records\":[]}"))
                .isInstanceOf(RecordsReader.ReadFailedException.class)
                .hasMessageContaining("lacks 'count'");
    }

    @Test
    void shouldRefuseACountThatDoesNotMatch() {
        assertThatThrownBy(() -> parse("{\"writer\":\"w\",\"records\":[{\"id\":\"w-1\"}],\"count\":2}"))
                .isInstanceOf(RecordsReader.ReadFailedException.class)
                .hasMessageContaining("count 2 but holds 1");
    }

    @Test
    void shouldRefuseTheOldBareArrayAndAnotherWritersAnswer() {
        assertThatThrownBy(() -> parse("[]")).isInstanceOf(RecordsReader.ReadFailedException.class);
        assertThatThrownBy(() -> parse("{\"writer\":\"x\",\"records\":[],\"count\":0}"))
                .isInstanceOf(RecordsReader.ReadFailedException.class)
                .hasMessageContaining("not 'w'");
    }

    @Test
    void shouldRefuseACountBeforeTheRecords() {
        assertThatThrownBy(() -> parse("{\"writer\":\"w\",\"count\":0,\"records\":[]}"))
                .isInstanceOf(RecordsReader.ReadFailedException.class)
                .hasMessageContaining("before 'records'");
    }
}
