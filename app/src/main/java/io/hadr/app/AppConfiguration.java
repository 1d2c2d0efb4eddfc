package io.hadr.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.boot.web.servlet.filter.OrderedRequestContextFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class AppConfiguration {

    @Bean
    AppIdentity appIdentity(ObjectProvider<BuildProperties> build) {
        String version = Optional.ofNullable(build.getIfAvailable())
                .map(BuildProperties::getVersion)
                .orElse("dev");
        return AppIdentity.fromEnvironment(System.getenv(), version, Instant.now());
    }

    /**
     * {@code GET /} on its own servlet, mapped to the root alone ("" in the Servlet spec's terms);
     * every other path goes to Spring MVC's dispatcher.
     */
    @Bean
    ServletRegistrationBean<InfoServlet> infoServlet(
            AppIdentity identity, ObjectProvider<DatabaseMonitor> database, ObjectMapper json) {
        ServletRegistrationBean<InfoServlet> registration =
                new ServletRegistrationBean<>(new InfoServlet(identity, database.getIfAvailable(), json), "");
        registration.setName("info");
        registration.setLoadOnStartup(1);
        return registration;
    }

    /** {@code /api/records} on its own servlet too: the writes and reads drills load the app with. */
    @Bean
    ServletRegistrationBean<RecordsServlet> recordsServlet(ObjectProvider<RecordStore> store, ObjectMapper json) {
        ServletRegistrationBean<RecordsServlet> registration =
                new ServletRegistrationBean<>(new RecordsServlet(store.getIfAvailable(), json), "/api/records");
        registration.setName("records");
        registration.setLoadOnStartup(1);
        return registration;
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
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR);
        return registration;
    }

    /**
     * Spring Boot's request context filter, registered switched off. It copies every request into
     * a thread-local for code outside Spring MVC; nothing here needs that (Spring MVC's dispatcher
     * sets it up itself), and on {@code GET /} it was a tenth of the app's own work per request.
     * Declaring the bean keeps Boot from adding its own.
     */
    @Bean
    OrderedRequestContextFilter requestContextFilter() {
        return new OrderedRequestContextFilter();
    }

    @Bean
    FilterRegistrationBean<OrderedRequestContextFilter> requestContextFilterOff(OrderedRequestContextFilter filter) {
        FilterRegistrationBean<OrderedRequestContextFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setEnabled(false);
        return registration;
    }
}
