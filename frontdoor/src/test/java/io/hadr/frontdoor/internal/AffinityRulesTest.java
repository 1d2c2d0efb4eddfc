package io.hadr.frontdoor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

class AffinityRulesTest {

    @Test
    void shouldReadAslbsaBeforeAslbsacors() {
        HttpFields both = HttpFields.build().add(HttpHeader.COOKIE, "x=1; ASLBSACORS=cors; ASLBSA=main");
        HttpFields corsOnly = HttpFields.build().add(HttpHeader.COOKIE, "ASLBSACORS=cors").add(HttpHeader.COOKIE, "y=2");
        HttpFields none = HttpFields.build().add(HttpHeader.COOKIE, "ASLBSAX=1; =2; junk");

        assertThat(OriginProxyHandler.readAffinityToken(both)).isEqualTo("main");
        assertThat(OriginProxyHandler.readAffinityToken(corsOnly)).isEqualTo("cors");
        assertThat(OriginProxyHandler.readAffinityToken(none)).isNull();
    }

    @Test
    void shouldNotEstablishAffinityOnPubliclyCacheableResponses() {
        assertThat(OriginProxyHandler.mayEstablishAffinity(200, HttpFields.EMPTY)).isTrue();
        assertThat(OriginProxyHandler.mayEstablishAffinity(200, cacheControl("no-store"))).isTrue();
        assertThat(OriginProxyHandler.mayEstablishAffinity(200, cacheControl("private, max-age=600"))).isTrue();
        assertThat(OriginProxyHandler.mayEstablishAffinity(200, cacheControl("max-age=0"))).isTrue();
        assertThat(OriginProxyHandler.mayEstablishAffinity(200, cacheControl("public, max-age=600"))).isFalse();
        assertThat(OriginProxyHandler.mayEstablishAffinity(200, cacheControl("s-maxage=60"))).isFalse();
        assertThat(OriginProxyHandler.mayEstablishAffinity(302, cacheControl("public, max-age=600"))).isTrue();
        assertThat(OriginProxyHandler.mayEstablishAffinity(200,
                HttpFields.build().add(HttpHeader.EXPIRES, "Thu, 01 Jan 2099 00:00:00 GMT"))).isFalse();
    }

    private static HttpFields cacheControl(String value) {
        return HttpFields.build().add(HttpHeader.CACHE_CONTROL, value);
    }
}
