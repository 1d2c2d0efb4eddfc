package io.hadr.geodb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LsnTest {

    @Test
    void shouldParseAndFormatLikePostgres() {
        assertThat(Lsn.parse("0/3000148")).isEqualTo(0x3000148L);
        assertThat(Lsn.parse("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
        assertThat(Lsn.format(Lsn.parse("16/B374D848"))).isEqualTo("16/B374D848");
        assertThat(Lsn.parse("1/0")).isGreaterThan(Lsn.parse("0/FFFFFFFF"));
        assertThat(Lsn.parse(null)).isNull();
        assertThatThrownBy(() -> Lsn.parse("3000148")).hasMessageContaining("'3000148'");
    }
}
