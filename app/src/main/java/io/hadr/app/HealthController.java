package io.hadr.app;

import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /health} is liveness: it answers from memory and never touches a dependency, because
 * Front Door and App Service probe it every few seconds and an app whose database is down must
 * still be reachable to report that. {@code /health/ready} is the Actuator readiness group, which
 * includes dependencies and answers 503 while one is down.
 */
@RestController
class HealthController {

    private static final String UP = "{\"status\":\"UP\"}";
    private static final String DOWN = "{\"status\":\"DOWN\"}";

    private final ApplicationAvailability availability;
    private final HealthEndpoint health;

    HealthController(ApplicationAvailability availability, HealthEndpoint health) {
        this.availability = availability;
        this.health = health;
    }

    @RequestMapping(
            path = "/health",
            method = {RequestMethod.GET, RequestMethod.HEAD},
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> live() {
        boolean live = availability.getLivenessState() == LivenessState.CORRECT;
        return ResponseEntity.status(live ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body(live ? UP : DOWN);
    }

    @RequestMapping(
            path = "/health/ready",
            method = {RequestMethod.GET, RequestMethod.HEAD},
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<HealthComponent> ready() {
        HealthComponent readiness = health.healthForPath("readiness");
        boolean up = readiness != null && Status.UP.equals(readiness.getStatus());
        return ResponseEntity.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body(readiness);
    }
}
