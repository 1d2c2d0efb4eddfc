package io.hadr.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FrontDoorConfigTest {

    private static final URI A = URI.create("http://127.0.0.1:8081");
    private static final URI B = URI.create("http://127.0.0.1:8082");

    @Test
    void shouldUseAzureDefaults() {
        FrontDoorConfig config =
                FrontDoorConfig.builder().origin(OriginConfig.of("a", A)).build();

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isZero();
        assertThat(config.healthProbe())
                .isEqualTo(new HealthProbeSettings(
                        "/", ProbeRequestType.HEAD, ProbeProtocol.HTTP, Duration.ofSeconds(240)));
        assertThat(config.loadBalancing()).isEqualTo(new LoadBalancingSettings(4, 3, Duration.ofMillis(50)));
        assertThat(config.timeouts()).isEqualTo(new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(10)));
        assertThat(config.sessionAffinity()).isFalse();
        assertThat(config.retryOnNextOrigin()).isTrue();
        assertThat(config.passiveHealthOnConnectionRefused()).isFalse();
        assertThat(config.frontDoorId()).matches("[0-9a-f-]{36}");
        assertThat(config.origins()).containsExactly(new OriginConfig("a", A, 1, 50, true));
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                bad("sampleSize must be between 1 and 255, but was 0", b -> b.sampleSize(0)),
                bad("sampleSize must be between 1 and 255, but was 256", b -> b.sampleSize(256)),
                bad(
                        "successfulSamplesRequired must be between 0 and 255, but was -1",
                        b -> b.successfulSamplesRequired(-1)),
                bad(
                        "additionalLatency must not be negative, but was -5 ms",
                        b -> b.additionalLatency(Duration.ofMillis(-5))),
                bad(
                        "probeInterval must be between 10 ms and 60 min, but was 0 ms",
                        b -> b.probeInterval(Duration.ZERO)),
                bad(
                        "originResponseTimeout must be between 10 ms and 60 min, but was 120 min",
                        b -> b.originResponseTimeout(Duration.ofHours(2))),
                bad(
                        "requestHeadersTimeout must be between 10 ms and 60 min, but was 5 ms",
                        b -> b.requestHeadersTimeout(Duration.ofMillis(5))),
                bad("port must be between 0 and 65535, but was 70000", b -> b.port(70000)),
                bad("host must not be blank, but was ' '", b -> b.host(" ")),
                bad(
                        "probePath must start with '/' and hold no spaces or '#', but was 'health'",
                        b -> b.probePath("health")),
                bad(
                        "probePath must start with '/' and hold no spaces or '#', but was '/a b'",
                        b -> b.probePath("/a b")),
                bad("frontDoorId must be printable ASCII without spaces, but was 'a b'", b -> b.frontDoorId("a b")),
                bad("probeRequestType must not be null", b -> b.probeRequestType(null)),
                bad(
                        "maxConnectionsPerOrigin must be between 1 and 10000, but was 0",
                        b -> b.maxConnectionsPerOrigin(0)));
    }

    private static Arguments bad(String message, Consumer<FrontDoorConfig.Builder> setter) {
        return Arguments.of(message, setter);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void shouldRejectBadSettingWithMessageHoldingTheValue(String message, Consumer<FrontDoorConfig.Builder> setter) {
        FrontDoorConfig.Builder builder = FrontDoorConfig.builder();

        assertThatThrownBy(() -> setter.accept(builder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void shouldRejectOriginsOutsideAzureRanges() {
        assertThatThrownBy(() -> OriginConfig.of("a", A, 0, 10))
                .hasMessage("priority of origin 'a' must be between 1 and 5, but was 0");
        assertThatThrownBy(() -> OriginConfig.of("a", A, 6, 10))
                .hasMessage("priority of origin 'a' must be between 1 and 5, but was 6");
        assertThatThrownBy(() -> OriginConfig.of("a", A, 1, 0))
                .hasMessage("weight of origin 'a' must be between 1 and 1000, but was 0");
        assertThatThrownBy(() -> OriginConfig.of("a", A, 1, 1001))
                .hasMessage("weight of origin 'a' must be between 1 and 1000, but was 1001");
        assertThatThrownBy(() -> OriginConfig.of("a b", A))
                .hasMessageStartingWith("origin name must be 1 to 90 letters");
        assertThatThrownBy(() -> OriginConfig.of("a", URI.create("ftp://x")))
                .hasMessage("address of origin 'a' must be an absolute http or https URI, but was 'ftp://x'");
        assertThatThrownBy(() -> OriginConfig.of("a", URI.create("http://x:1/app")))
                .hasMessage(
                        "address of origin 'a' must be scheme://host[:port] without path, query, fragment or user info, "
                                + "but was 'http://x:1/app'");
        assertThatThrownBy(() -> OriginConfig.of("a", URI.create("/relative")))
                .hasMessage("address of origin 'a' must be an absolute http or https URI, but was '/relative'");
    }

    @Test
    void shouldNormalizeOriginAddressWithTrailingSlash() {
        assertThat(OriginConfig.of("a", URI.create("HTTP://127.0.0.1:8081/")).address())
                .isEqualTo(A);
    }

    @Test
    void shouldFailFastOnContradictions() {
        assertThatThrownBy(() -> FrontDoorConfig.builder().build())
                .hasMessage("a front door needs at least one origin, but none was added");
        assertThatThrownBy(() -> FrontDoorConfig.builder()
                        .origin(OriginConfig.of("a", A))
                        .origin(OriginConfig.of("a", B))
                        .build())
                .hasMessage("origin names must be unique, but 'a' was added 2 times");
        assertThatThrownBy(() -> FrontDoorConfig.builder()
                        .origin(OriginConfig.of("a", A))
                        .origin(OriginConfig.of("b", A))
                        .build())
                .hasMessage("origin addresses must be unique, but 'a' and 'b' both use http://127.0.0.1:8081");
        assertThatThrownBy(() -> FrontDoorConfig.builder()
                        .origin(OriginConfig.of("a", A))
                        .sampleSize(4)
                        .successfulSamplesRequired(5)
                        .build())
                .hasMessage("successfulSamplesRequired must not exceed sampleSize (4), but was 5");
        assertThatThrownBy(() -> new LoadBalancingSettings(0, 0, Duration.ZERO))
                .hasMessage("sampleSize must be between 1 and 255, but was 0");
        assertThatThrownBy(() -> new HealthProbeSettings(
                        "health", ProbeRequestType.GET, ProbeProtocol.HTTP, Duration.ofSeconds(1)))
                .hasMessage("probePath must start with '/' and hold no spaces or '#', but was 'health'");
    }

    @Test
    void shouldAcceptAnyTimingTheRouterCanUseWhetherOrNotAzureWould() {
        FrontDoorConfig config = FrontDoorConfig.builder()
                .origin(OriginConfig.of("a", A))
                .probeInterval(Duration.ofMillis(200))
                .originResponseTimeout(Duration.ofMillis(16_500))
                .additionalLatency(Duration.ofSeconds(5))
                .build();

        assertThat(config.healthProbe().interval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.timeouts().originResponse()).isEqualTo(Duration.ofMillis(16_500));
        assertThat(config.loadBalancing().additionalLatency()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldRoundTripThroughToBuilder() {
        FrontDoorConfig config = FrontDoorConfig.builder()
                .port(8080)
                .frontDoorId("fd-1")
                .probePath("/health")
                .probeRequestType(ProbeRequestType.GET)
                .probeInterval(Duration.ofSeconds(5))
                .sampleSize(6)
                .successfulSamplesRequired(2)
                .additionalLatency(Duration.ZERO)
                .sessionAffinity(true)
                .retryOnNextOrigin(false)
                .origin(OriginConfig.of("a", A, 1, 100))
                .origin(OriginConfig.of("b", B, 2, 100).withEnabled(false))
                .build();

        FrontDoorConfig copy = config.toBuilder().build();

        assertThat(copy).isEqualTo(config).hasSameHashCodeAs(config);
        assertThat(copy.toString()).isEqualTo(config.toString()).contains("fd-1", "/health", "sampleSize=6", "name=b");
        assertThat(config.toBuilder().port(9090).build().port()).isEqualTo(9090);
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.toBuilder().sampleSize(7).build()).isNotEqualTo(config);
        assertThat(config.toBuilder()
                        .passiveHealthOnConnectionRefused(true)
                        .build()
                        .hashCode())
                .isNotEqualTo(config.hashCode());
    }

    @Test
    void shouldValidateOriginUpdatesLikeOrigins() {
        assertThatThrownBy(() -> OriginUpdate.priority(7)).hasMessage("priority must be between 1 and 5, but was 7");
        assertThatThrownBy(() -> OriginUpdate.weight(0)).hasMessage("weight must be between 1 and 1000, but was 0");
        assertThat(OriginConfig.of("a", A, 1, 10).apply(OriginUpdate.disable().withWeight(20)))
                .isEqualTo(new OriginConfig("a", A, 1, 20, false));
        assertThat(OriginUpdate.none().isEmpty()).isTrue();
    }
}
