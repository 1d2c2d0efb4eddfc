package io.hadr.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AzureConnectionStringTest {

    @Test
    void rewritingChangesOnlyTheHostAndTheDatabase() {
        String url = ConnectionString.of("hadr-fog-abc", "hadr");

        String adopted = ConnectionString.rewrite(url, "hadr-southindia-abc", "hadr-restored");

        assertThat(adopted)
                .isEqualTo(
                        "jdbc:sqlserver://hadr-southindia-abc.database.windows.net:1433;database=hadr-restored;encrypt=true;"
                                + "trustServerCertificate=false;hostNameInCertificate=*.database.windows.net;loginTimeout=30");
        assertThat(ConnectionString.hostLabel(adopted)).isEqualTo("hadr-southindia-abc");
    }

    @Test
    void aUrlHadrDidNotWriteIsRefusedNotGuessed() {
        assertThatThrownBy(() -> ConnectionString.rewrite("jdbc:postgresql://127.0.0.1:5443/hadr", "x", "y"))
                .hasMessageContaining("HADR_DB_URL")
                .hasMessageContaining("not the jdbc:sqlserver://");
    }
}
