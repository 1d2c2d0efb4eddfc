package io.hadr.app;

import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** One line per start, with what an operator looks for: region, instance, port, how long it took. */
@Component
class StartupLogger {

    private static final Logger log = LoggerFactory.getLogger("hadr.app");

    private final AppIdentity identity;

    StartupLogger(AppIdentity identity) {
        this.identity = identity;
    }

    @EventListener
    void onReady(ApplicationReadyEvent event) {
        int port = event.getApplicationContext() instanceof WebServerApplicationContext web
                ? web.getWebServer().getPort()
                : -1;
        long jvmUptime = ManagementFactory.getRuntimeMXBean().getUptime();
        log.info(
                "hadr-app {} ready: region='{}' instance={} port={} started in {} ms (JVM up {} ms)",
                identity.version(),
                identity.region(),
                identity.instance(),
                port,
                event.getTimeTaken() == null ? -1 : event.getTimeTaken().toMillis(),
                jvmUptime);
    }
}
