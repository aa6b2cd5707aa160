package fr.ameli.idp.web.error;

import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Failures that never reached one of our handlers (unknown path, wrong method, unreadable body): a French
 * page for people, JSON for protocol and API paths; never Spring's default page or a stack trace.
 * Runs before Boot's own error handler.
 */
@Component
@Order(-2)
class GlobalErrorHandler implements WebExceptionHandler {

    private static final List<String> JSON_PATHS = List.of("/token", "/par", "/userinfo", "/revoke", "/jwks", "/status", "/api/", "/operator/",
            "/.well-known/", "/actuator/");

    private final ErrorRenderer renderer;
    private final ServerResponse.Context context;

    GlobalErrorHandler(ErrorRenderer renderer, List<ViewResolver> viewResolvers) {
        this.renderer = renderer;
        HandlerStrategies.Builder builder = HandlerStrategies.builder();
        viewResolvers.forEach(builder::viewResolver);
        HandlerStrategies strategies = builder.build();
        List<HttpMessageWriter<?>> writers = strategies.messageWriters();
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
        HttpStatusCode status = failure instanceof ResponseStatusException rse ? rse.getStatusCode()
                : HttpStatus.INTERNAL_SERVER_ERROR;
        String path = exchange.getRequest().getPath().value();
        boolean json = JSON_PATHS.stream().anyMatch(path::startsWith);
        Mono<ServerResponse> response;
        if (status.value() == 404) {
            response = json ? ServerResponse.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"error\":\"not_found\"}")
                    : renderer.page("erreur.page_introuvable", HttpStatus.NOT_FOUND);
        } else if (status.value() == 403 && !json) {
            // Spring Security's CSRF filter: the form was posted without its token, or with a stale one.
            response = renderer.page("erreur.csrf", HttpStatus.FORBIDDEN);
        } else if (status.is4xxClientError()) {
            response = json ? renderer.json(OAuthException.invalidRequest("malformed request"))
                    : renderer.page("erreur.invalid_request", HttpStatus.valueOf(status.value()));
        } else {
            response = json ? renderer.json(failure) : renderer.browser(failure);
        }
        return response.flatMap(r -> r.writeTo(exchange, context));
    }
}
