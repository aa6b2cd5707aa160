package fr.ameli.idp.platform;

import fr.ameli.idp.web.error.ErrorChannel;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.Shutdown;
import org.springframework.boot.web.server.WebServer;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The operator port ({@code idp.operator.port}, 8082): a Netty server of its own that serves the
 * {@link OperatorRoutes} and nothing else, each behind {@link OperatorAccess}. The public server never routes to
 * them, so no path trick on the public port can reach them; the Kubernetes Service and Ingress expose only the
 * public port, and the NetworkPolicy admits no one on this one (operators use {@code kubectl port-forward}).
 * Why not the management port: there, Prometheus (and whoever may scrape metrics) would reach the operator API
 * too; apart, the NetworkPolicy keeps the two audiences apart. Not started without a token (the API then does
 * not exist). The port it listens on is published as {@code local.operator.port}, like Boot's
 * {@code local.server.port}.
 */
public final class OperatorServer implements SmartLifecycle {

    public static final String LOCAL_PORT_PROPERTY = "local.operator.port";

    private static final Logger log = LoggerFactory.getLogger(OperatorServer.class);

    private final OperatorProperties properties;
    private final List<OperatorRoutes> routes;
    private final @Nullable ReactorResourceFactory resources;
    private final ConfigurableEnvironment environment;
    private volatile @Nullable WebServer server;

    OperatorServer(OperatorProperties properties, ObjectProvider<OperatorRoutes> routes,
            ObjectProvider<ReactorResourceFactory> resources, ConfigurableEnvironment environment) {
        this.properties = properties;
        this.routes = routes.orderedStream().toList();
        this.resources = resources.getIfAvailable();
        this.environment = environment;
    }

    /** Every operator route, behind the token. */
    static RouterFunction<ServerResponse> router(List<OperatorRoutes> routes, OperatorAccess access) {
        RouterFunctions.Builder builder = RouterFunctions.route();
        routes.forEach(r -> r.declare(builder));
        return ErrorChannel.OAUTH.declare(builder.filter(access).build());
    }

    @Override
    public void start() {
        if (!properties.enabled() || routes.isEmpty()) {
            log.info("No idp.operator.token: the operator API is off");
            return;
        }
        NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory(properties.port());
        factory.setShutdown(Shutdown.GRACEFUL);
        if (resources != null) {
            factory.setResourceFactory(resources);
        }
        WebServer started = factory.getWebServer(RouterFunctions.toHttpHandler(
                router(routes, new OperatorAccess(properties))));
        started.start();
        server = started;
        environment.getPropertySources().addFirst(new MapPropertySource("operator.ports",
                Map.of(LOCAL_PORT_PROPERTY, started.getPort())));
        log.info("Operator API on port {}", started.getPort());
    }

    @Override
    public void stop(Runnable callback) {
        WebServer running = server;
        if (running == null) {
            callback.run();
            return;
        }
        running.shutDownGracefully(result -> {
            running.stop();
            server = null;
            callback.run();
        });
    }

    @Override
    public void stop() {
        WebServer running = server;
        if (running != null) {
            running.stop();
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The same phase as the public server: starts once every bean is ready, stops with the web servers. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }

    /** The port the operator API listens on; -1 when it is off. */
    public int port() {
        WebServer running = server;
        return running == null ? -1 : running.getPort();
    }
}
