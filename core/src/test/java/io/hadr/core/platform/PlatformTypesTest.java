package io.hadr.core.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr.core.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformTypesTest {

    private final ObjectMapper json = Json.mapper();

    @Test
    void shouldRoundTripSealedTypesThroughJson() throws Exception {
        List<LinkFault> faults =
                List.of(new LinkFault.Latency(Duration.ofMillis(10)), new LinkFault.Partition(), new LinkFault.Heal());
        for (LinkFault fault : faults) {
            String text = json.writeValueAsString(fault);

            assertThat(json.readValue(text, LinkFault.class)).isEqualTo(fault);
        }
        RestoreTarget target = new RestoreTarget.AtTime(Instant.parse("2026-11-27T10:15:30.123456Z"));

        assertThat(json.readValue(json.writeValueAsString(target), RestoreTarget.class))
                .isEqualTo(target);
        assertThat(json.writeValueAsString(target))
                .contains("\"kind\":\"time\"")
                .contains("2026-11-27T10:15:30.123456Z");
    }

    @Test
    void shouldRefuseOriginValuesAzureRefuses() {
        assertThatThrownBy(() -> OriginChange.priority(6))
                .hasMessageContaining("between 1 and 5 (Azure Front Door's range), but was 6");
        assertThatThrownBy(() -> OriginChange.weight(0))
                .hasMessageContaining("between 1 and 1000 (Azure Front Door's range), but was 0");
        assertThatThrownBy(() -> new OriginChange(null, null, null)).hasMessageContaining("at least one");
    }

    @Test
    void shouldNameWordsOfEachAction() {
        assertThat(FailoverMode.fromWord("try-planned")).isEqualTo(FailoverMode.TRY_PLANNED);
        assertThat(AppAction.fromWord("kill")).isEqualTo(AppAction.KILL);
        assertThatThrownBy(() -> AppAction.fromWord("pause"))
                .hasMessage("unknown app action 'pause'; use stop, start, restart or kill");
    }

    @Test
    void shouldNameTheCapabilityAPlatformLacks() {
        NotSupportedException e = NotSupportedException.of(
                "azure", Capability.REGION_OUTAGE, "Azure SQL has no region outage on request");

        assertThat(e.capability()).isEqualTo(Capability.REGION_OUTAGE);
        assertThat(e)
                .hasMessage("the azure platform cannot take a region down: Azure SQL has no region outage on request");
    }
}
