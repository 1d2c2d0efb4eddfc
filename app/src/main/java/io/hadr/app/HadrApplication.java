package io.hadr.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The regional web app: answers with its region and instance so that anyone can see which region
 * served a request. Runs unchanged on Azure App Service (Linux, Java SE) and under hadr's local
 * environment, which gives it the same environment variables App Service would.
 */
@SpringBootApplication
public class HadrApplication {

    public static void main(String[] args) {
        SpringApplication.run(HadrApplication.class, args);
    }
}
