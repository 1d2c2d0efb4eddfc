package io.hadr.app;

import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class AppConfiguration {

    @Bean
    AppIdentity appIdentity(ObjectProvider<BuildProperties> build) {
        String version = Optional.ofNullable(build.getIfAvailable()).map(BuildProperties::getVersion).orElse("dev");
        return AppIdentity.fromEnvironment(System.getenv(), version, Instant.now());
    }

    /**
     * Runs before everything else, so that even 403s, 404s and health answers carry the region
     * headers and the lockdown applies to every path.
     */
    @Bean
    FilterRegistrationBean<RegionHeaderFilter> regionHeaderFilter(AppIdentity identity, Environment environment) {
        String frontDoorId = environment.getProperty("hadr.front-door-id", "");
        FilterRegistrationBean<RegionHeaderFilter> registration =
                new FilterRegistrationBean<>(new RegionHeaderFilter(identity, frontDoorId));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }
}
