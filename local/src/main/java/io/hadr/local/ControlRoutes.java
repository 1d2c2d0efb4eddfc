package io.hadr.local;

import io.hadr.core.platform.AppAction;
import io.hadr.core.platform.LinkFault;
import io.hadr.core.platform.OriginChange;
import io.hadr.core.platform.RegionAction;
import io.hadr.core.platform.RestoreRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The control API's paths (listed on {@link ControlServer}), grouped by the resource they act on:
 * each maps a method to the {@link LocalEnvironment} operation that answers it.
 */
final class ControlRoutes {

    private final LocalEnvironment environment;
    private final Runnable shutdownRequested;
    private final String token;
    private final PathMappingsHandler routes = new PathMappingsHandler();

    private ControlRoutes(LocalEnvironment environment, Runnable shutdownRequested, String token) {
        this.environment = environment;
        this.shutdownRequested = shutdownRequested;
        this.token = token;
    }

    /**
     * @param shutdownRequested run when a client asks the environment to stop; null refuses that
     * @param token the bearer token every request but {@code /metrics} must carry
     */
    static Handler of(LocalEnvironment environment, Runnable shutdownRequested, String token) {
        ControlRoutes r = new ControlRoutes(environment, shutdownRequested, token);
        r.routes.addMapping(new ServletPathSpec("/metrics"), r.new Metrics());
        r.environment();
        r.appsAndRegions();
        r.database();
        r.link();
        r.backups();
        r.shutdown();
        // Everything else: the default mapping, matched last.
        r.routes.addMapping(new ServletPathSpec("/"), new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                ControlReplies.reply(
                        response,
                        callback,
                        ControlError.of(
                                ControlError.Code.NOT_FOUND,
                                "no such control operation: " + request.getMethod() + " "
                                        + ControlCall.pathOf(request)));
                return true;
            }
        });
        return r.routes;
    }

    private ControlEndpoint path(String template) {
        ControlEndpoint endpoint =
                new ControlEndpoint(token, environment.stateDir().logs());
        routes.addMapping(new UriTemplatePathSpec(template), endpoint);
        return endpoint;
    }

    private void environment() {
        path("/v1/status").on("GET", call -> environment.status());
        path("/v1/topology").on("GET", call -> environment.topology());
        path("/v1/frontdoor/origins/{region}")
                .on("POST", call -> environment.updateOrigin(call.path("region"), call.body(OriginChange.class)));
    }

    private void appsAndRegions() {
        path("/v1/apps/{region}/{action}")
                .on("POST", call -> environment.app(call.path("region"), call.path("action", AppAction::fromWord)));
        path("/v1/regions/{region}/{action}")
                .on(
                        "POST",
                        call -> environment.region(call.path("region"), call.path("action", RegionAction::fromWord)));
        path("/v1/scale/{region}")
                .on(
                        "POST",
                        call -> environment.scale(
                                call.path("region"),
                                call.body(ScaleRequest.class).instances()));
    }

    private void database() {
        path("/v1/db/status").on("GET", call -> environment.databaseStatus());
        path("/v1/db/failover").on("POST", call -> {
            FailoverRequest request = call.body(FailoverRequest.class);
            return environment.failover(request.mode(), request.to());
        });
        path("/v1/db/sql").on("POST", call -> {
            LocalBackups.SqlRequest request = call.body(LocalBackups.SqlRequest.class);
            return environment.backups().sql(request.target(), request.statement());
        });
    }

    private void link() {
        path("/v1/link").on("GET", call -> environment.linkStatus()).on("POST", call -> {
            LinkFault fault = call.body(LinkFault.class);
            try {
                return environment.link(fault);
            } catch (IllegalArgumentException e) {
                throw new ControlCall.BadRequest(e.getMessage(), e);
            }
        });
    }

    private void backups() {
        path("/v1/db/backups")
                .on("GET", call -> environment.backups().catalog())
                .streamed("POST", (call, progress) -> environment.backups().backup(progress));
        path("/v1/db/marks")
                .on(
                        "POST",
                        call -> environment
                                .backups()
                                .mark(call.body(LocalBackups.MarkRequest.class).name()));
        path("/v1/db/restores")
                .on("GET", call -> environment.backups().restores())
                .streamed(
                        "POST",
                        (call, progress) -> environment.backups().restore(call.body(RestoreRequest.class), progress));
        path("/v1/db/restores/{name}")
                .on("DELETE", call -> environment.backups().drop(call.path("name")));
        path("/v1/db/restores/{name}/adopt")
                .streamed("POST", (call, progress) -> environment.backups().adopt(call.path("name"), progress));
        path("/v1/db/verify-backups")
                .streamed(
                        "POST",
                        (call, progress) -> environment
                                .backups()
                                .verify(
                                        call.body(LocalBackups.VerifyRequest.class)
                                                .region(),
                                        progress));
    }

    private void shutdown() {
        path("/v1/shutdown").accepted("POST", () -> {
            if (shutdownRequested == null) {
                throw new LocalEnvironmentException("this environment was started by another program (pid "
                        + ProcessHandle.current().pid() + ", e.g. a drill) and stops when it ends");
            }
            // Only once the answer is written: stopping takes this server down, and a client cut
            // off before its 202 would report a failure although the environment stops.
            return new ControlEndpoint.ThenRun(
                    new ControlServer.Stopping(ProcessHandle.current().pid()),
                    () -> new Thread(shutdownRequested, "hadr-shutdown-request").start());
        });
    }

    /** Prometheus text of the front door: read-only, so without a token (the API listens on loopback only). */
    private final class Metrics extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!request.getMethod().equals("GET")) {
                ControlReplies.methodNotAllowed(request, response, callback, "GET");
                return true;
            }
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            response.write(true, ByteBuffer.wrap(environment.metrics().getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }
}
