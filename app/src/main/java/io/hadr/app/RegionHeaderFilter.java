package io.hadr.app;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Adds {@code X-Hadr-Region} and {@code X-Hadr-Instance} to every response, and, when a Front Door
 * id is configured, answers 403 to requests whose {@code X-Azure-FDID} does not match: the
 * lockdown Microsoft recommends for App Service behind Front Door, so that nobody bypasses the
 * front door. Health paths are not exempt, since Front Door's probes carry the header too.
 */
final class RegionHeaderFilter extends OncePerRequestFilter {

    static final String REGION_HEADER = "X-Hadr-Region";
    static final String INSTANCE_HEADER = "X-Hadr-Instance";
    static final String FRONT_DOOR_ID_HEADER = "X-Azure-FDID";

    private final AppIdentity identity;
    private final String frontDoorId;

    RegionHeaderFilter(AppIdentity identity, String frontDoorId) {
        this.identity = identity;
        this.frontDoorId = frontDoorId == null ? "" : frontDoorId.trim();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader(REGION_HEADER, identity.region());
        response.setHeader(INSTANCE_HEADER, identity.instance());
        if (!frontDoorId.isEmpty() && !frontDoorId.equalsIgnoreCase(trimmed(request.getHeader(FRONT_DOOR_ID_HEADER)))) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter()
                    .write(
                            "{\"status\":403,\"error\":\"Forbidden\","
                                    + "\"message\":\"this app only answers requests that come through its Front Door (X-Azure-FDID)\"}");
            return;
        }
        chain.doFilter(request, response);
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.trim();
    }
}
