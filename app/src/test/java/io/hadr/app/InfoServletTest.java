package io.hadr.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class InfoServletTest {

    @Test
    void programsGetJsonWithoutParsing() {
        assertThat(InfoServlet.negotiate(null)).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(InfoServlet.negotiate("*/*")).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(InfoServlet.negotiate("application/json")).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(InfoServlet.negotiate("application/*;q=0.5, text/plain")).isEqualTo(MediaType.APPLICATION_JSON);
    }

    @Test
    void browsersGetHtml() {
        assertThat(InfoServlet.negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"))
                .isEqualTo(MediaType.TEXT_HTML);
    }

    @Test
    void theClientsPreferenceWins() {
        assertThat(InfoServlet.negotiate("text/html;q=0.5, application/json")).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(InfoServlet.negotiate("application/json;q=0, text/*")).isEqualTo(MediaType.TEXT_HTML);
    }

    @Test
    void nothingAcceptableIsNull() {
        assertThat(InfoServlet.negotiate("application/xml")).isNull();
        assertThat(InfoServlet.negotiate("text/plain")).isNull();
    }
}
