package io.hadr.frontdoor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

class AffinityRulesTest {

    @Test
    void shouldReadAslbsaBeforeAslbsacors() {
        HttpFields both = HttpFields.build().add(HttpHeader.COOKIE, "x=1; ASLBSACORS=cors; ASLBSA=main");
        HttpFields corsOnly =
                HttpFields.build().add(HttpHeader.COOKIE, "ASLBSACORS=cors").add(HttpHeader.COOKIE, "y=2");
        HttpFields none = HttpFields.build().add(HttpHeader.COOKIE, "ASLBSAX=1; =2; junk");

        assertThat(ProxyExchange.readAffinityToken(both)).isEqualTo("main");
        assertThat(ProxyExchange.readAffinityToken(corsOnly)).isEqualTo("cors");
        assertThat(ProxyExchange.readAffinityToken(none)).isNull();
    }

    @Test
    void shouldNotEstablishAffinityOnPubliclyCacheableResponses() {
        assertThat(ProxyExchange.mayEstablishAffinity(200, HttpFields.EMPTY)).isTrue();
        assertThat(ProxyExchange.mayEstablishAffinity(200, cacheControl("no-store")))
                .isTrue();
        assertThat(ProxyExchange.mayEstablishAffinity(200, cacheControl("private, max-age=600")))
                .isTrue();
        assertThat(ProxyExchange.mayEstablishAffinity(200, cacheControl("max-age=0")))
                .isTrue();
        assertThat(ProxyExchange.mayEstablishAffinity(200, cacheControl("public, max-age=600")))
                .isFalse();
        assertThat(ProxyExchange.mayEstablishAffinity(200, cacheControl("s-maxage=60")))
                .isFalse();
        assertThat(ProxyExchange.mayEstablishAffinity(302, cacheControl("public, max-age=600")))
                .isTrue();
        assertThat(ProxyExchange.mayEstablishAffinity(
                        200, HttpFields.build().add(HttpHeader.EXPIRES, "Thu, 01 Jan 2099 00:00:00 GMT")))
                .isFalse();
    }

    private static HttpFields cacheControl(String value) {
        return HttpFields.build().add(HttpHeader.CACHE_CONTROL, value);
    }
}
