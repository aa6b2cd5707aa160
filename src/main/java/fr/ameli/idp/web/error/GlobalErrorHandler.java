package fr.ameli.idp.web.error;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Every failure that escapes a handler, or never reached one (unknown path, wrong method, unreadable body, CSRF),
 * rendered by {@link ErrorRenderer} in the shape of the {@link ErrorChannel} declared by the route that took the
 * request; never Spring's default page or a stack trace. Which channel: the route's declaration (request attribute);
 * else the declaration of the routes that have this path with other methods (then a problem is a 405 with
 * {@code Allow}); else, for a path no route knows, {@link ErrorChannel#forUnmatched}. Runs before Boot's own handler.
 */
@Component
@Order(-2)
class GlobalErrorHandler implements WebExceptionHandler {

    private final ErrorRenderer renderer;
    private final ServerResponse.Context context;
    private final ObjectProvider<RouterFunction<?>> routers;
    private volatile RouteCatalog catalog;

    GlobalErrorHandler(ErrorRenderer renderer, List<ViewResolver> viewResolvers, ServerCodecConfigurer codecs,
            ObjectProvider<RouterFunction<?>> routers) {
        this.renderer = renderer;
        this.routers = routers;
        HandlerStrategies.Builder builder = HandlerStrategies.builder();
        viewResolvers.forEach(builder::viewResolver);
        HandlerStrategies strategies = builder.build();
        List<HttpMessageWriter<?>> writers = codecs.getWriters();
        this.context = new ServerResponse.Context() {
            @Override
            public List<HttpMessageWriter<?>> messageWriters() {
                return writers;
            }

            @Override
            public List<ViewResolver> viewResolvers() {
                return strategies.viewResolvers();
            }
        };
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(failure);
        }
        Mono<ServerResponse> response = ErrorChannel.of(exchange)
                .map(channel -> failure instanceof ResponseStatusException rse
                        ? renderer.status(channel, rse.getStatusCode(), failure)
                        : renderer.render(channel, failure))
                .orElseGet(() -> unrouted(exchange, failure));
        return response.flatMap(r -> r.writeTo(exchange, context));
    }

    /** No route took the request: a filter refused it (CSRF), or no route has this path and method. */
    private Mono<ServerResponse> unrouted(ServerWebExchange exchange, Throwable failure) {
        HttpStatusCode status = failure instanceof ResponseStatusException rse ? rse.getStatusCode()
                : HttpStatus.INTERNAL_SERVER_ERROR;
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        List<RouteCatalog.Route> samePath = catalog().matching(path);
        ErrorChannel channel = samePath.stream().map(RouteCatalog.Route::channel).filter(c -> c != null).findFirst()
                .orElseGet(() -> ErrorChannel.forUnmatched(path));
        if (status.value() == 404 && channel == ErrorChannel.PROBLEM) {
            Set<HttpMethod> allowed = catalog().allowed(samePath);
            if (!allowed.isEmpty() && !allowed.contains(exchange.getRequest().getMethod())) {
                exchange.getResponse().getHeaders().set(HttpHeaders.ALLOW,
                        allowed.stream().map(HttpMethod::name).collect(Collectors.joining(", ")));
                return renderer.status(channel, HttpStatus.METHOD_NOT_ALLOWED,
                        new MethodNotAllowedException(exchange.getRequest().getMethod(), allowed));
            }
        }
        return failure instanceof ResponseStatusException ? renderer.status(channel, status, failure)
                : renderer.render(channel, failure);
    }

    private RouteCatalog catalog() {
        RouteCatalog known = catalog;
        if (known == null) {
            known = RouteCatalog.of(routers.orderedStream().toList());
            catalog = known;
        }
        return known;
    }
}
