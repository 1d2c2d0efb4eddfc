package io.hadr.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;

/**
 * The regional web app: answers with its region and instance so that anyone can see which region
 * served a request. Runs unchanged on Azure App Service (Linux, Java SE) and under hadr's local
 * environment, which gives it the same environment variables App Service would.
 */
// The database is optional and configured by DatabaseConfiguration (bounded waits, start without
// a database); the schema is migrated in the background by SchemaMigrator.
@SpringBootApplication(exclude = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
public class HadrApplication {

    public static void main(String[] args) {
        SpringApplication.run(HadrApplication.class, args);
    }
}
