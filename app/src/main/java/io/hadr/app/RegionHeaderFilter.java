package io.hadr.app;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;

/**
 * Adds {@code X-Hadr-Region} and {@code X-Hadr-Instance} to every response, and, when a Front Door
 * id is configured, answers 403 to requests whose {@code X-Azure-FDID} does not match: the
 * lockdown Microsoft recommends for App Service behind Front Door, so that nobody bypasses the
 * front door. Health paths are not exempt, since Front Door's probes carry the header too.
 *
 * <p>Registered for requests and error dispatches alike (an error page's answer carries the
 * headers too); running twice for one request only sets the same headers again, so it needs no
 * once-per-request bookkeeping, which cost two request attributes on every request.
 */
final class RegionHeaderFilter implements Filter {

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
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws ServletException, IOException {
        HttpServletRequest request = (HttpServletRequest) servletRequest;
        HttpServletResponse response = (HttpServletResponse) servletResponse;
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

    private static String trimmed(String value) {
        return value == null ? "" : value.trim();
    }
}
