package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.oidc.shared.Params;
import fr.ameli.idp.web.HandOver;
import fr.ameli.idp.web.InFrontRequests;
import fr.ameli.idp.web.SecurityHeaders;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;
import reactor.core.publisher.Mono;

/**
 * The authorization endpoint's GET over plain HTTP answered in front of the WebFlux pipeline, as the token endpoint's
 * form post and userinfo's bearer GET are: a redirect (303) to the relying party with a code where the browser's
 * session answers the request at once (SSO), or to the login or consent page. The endpoint needs nothing of the
 * pipeline: no form, no CSRF token (a GET), no page; its one cookie is read here.
 *
 * <p>The same answer as the routed handler: {@link AuthorizationEndpoint} decides both, and the redirect carries the
 * same headers ({@link SecurityHeaders}, {@code Cache-Control: no-store}) and the same {@code http.server.requests}
 * series ({@link InFrontRequests}); the request is the one the pipeline would see ({@link ForwardedHeaderTransformer},
 * applied first). The pipeline answers everything else: POST, a request over TLS to this server (HSTS), and every
 * failure — an error page, or an error sent back to the relying party — handed over with what it was
 * ({@link HandOver}), so that what had effects (a pushed request used once) is not done again. A query the rules
 * of {@link Params} refuse (a parameter twice) is handed over without a failure: the pipeline reads it again.
 *
 * <p>What the pipeline would have added and this does not: Spring Security's firewall checks of header and host
 * characters and of query parameter names (a name with a control character is refused there, ignored here as any
 * parameter the endpoint does not know). Nothing here is chosen by them: the path is matched exactly and every
 * parameter the endpoint reads is checked by it as behind the pipeline.
 */
final class DirectAuthorize implements HttpHandlerDecoratorFactory {

    static final String PATH = "/authorize";

    private final AuthorizationEndpoint endpoint;
    private final ForwardedHeaderTransformer clientAddress;
    private final SecurityHeaders securityHeaders;
    private final InFrontRequests requests;

    DirectAuthorize(AuthorizationEndpoint endpoint, ForwardedHeaderTransformer clientAddress,
            SecurityHeaders securityHeaders, InFrontRequests requests) {
        this.endpoint = endpoint;
        this.clientAddress = clientAddress;
        this.securityHeaders = securityHeaders;
        this.requests = requests;
    }

    @Override
    public HttpHandler apply(HttpHandler next) {
        return (request, response) -> {
            if (request.getMethod() != HttpMethod.GET || request.getSslInfo() != null
                    || !PATH.equals(request.getPath().value())) {
                return next.handle(request, response);
            }
            ServerHttpRequest addressed = HandOver.addressed(clientAddress, request);
            return addressed == null ? next.handle(request, response) : answer(addressed, response, next);
        };
    }

    private Mono<Void> answer(ServerHttpRequest request, ServerHttpResponse response, HttpHandler next) {
        long start = requests.start();
        Params params = parameters(request);
        Mono<HandOver.Outcome<URI>> outcome = params == null ? Mono.just(HandOver.Outcome.doneAgain())
                : HandOver.settle(() -> endpoint.answer(request, params));
        return requests.untilAnswered(outcome, start)
                .flatMap(o -> o.answer() != null ? redirect(o.answer(), response, start)
                        : HandOver.toPipeline(next, request, response, o.failure()));
    }

    /** The query's parameters, or null for a query the rules of Params refuse (the pipeline refuses it the same way). */
    private static @Nullable Params parameters(ServerHttpRequest request) {
        try {
            return Params.ofValues(request.getQueryParams());
        } catch (RuntimeException malformed) {
            return null;
        }
    }

    private Mono<Void> redirect(URI location, ServerHttpResponse response, long start) {
        response.setStatusCode(HttpStatus.SEE_OTHER);
        HttpHeaders headers = response.getHeaders();
        headers.setLocation(location);
        headers.setCacheControl("no-store");
        securityHeaders.writeTo(headers);
        Mono<Void> written = response.setComplete();
        return requests.timed(written, response, start);
    }
}
