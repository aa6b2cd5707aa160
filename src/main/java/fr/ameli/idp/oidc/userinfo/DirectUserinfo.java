package fr.ameli.idp.oidc.userinfo;

import fr.ameli.idp.web.InFrontRequests;
import fr.ameli.idp.web.SecurityHeaders;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Userinfo's common call — GET with a bearer token that is valid — answered in front of the WebFlux pipeline, as the
 * discovery document and the JWKS are. Measured in turns against the routed handler (bench/results/
 * 2026-12-06-…-ab-direct-userinfo.md): the pipeline (server exchange, web filters, Spring Security's header writers,
 * the request's observation, routing, {@code ServerResponse} and its codecs) was a third of userinfo's CPU, for a
 * request that needs none of it: no session, no form, no cookie; the token authenticates it.
 *
 * <p>Same statement, same claims, same bytes as the routed handler ({@link UserinfoResponses} serves both), the same
 * security headers ({@link SecurityHeaders}), and the same {@code http.server.requests} series ({@link InFrontRequests}).
 * Everything else goes on to the pipeline, which answers it as before: another method or scheme (POST, HEAD, DPoP),
 * a token sent otherwise, a request over TLS to this server (Spring Security adds HSTS there), and every failure —
 * unknown, expired or revoked token, a DPoP-bound token shown as a bearer one, a client no longer registered, an error
 * of the database or of a client's keys. A failure is handed over with the lookup that met it (the Reactor context,
 * {@link UserinfoResponses#lookup}): the pipeline renders it through the one error hierarchy and logs it, without a
 * second statement or key fetch.
 */
final class DirectUserinfo implements HttpHandlerDecoratorFactory {

    static final String PATH = "/userinfo";

    private final UserinfoResponses responses;
    private final SecurityHeaders securityHeaders;
    private final InFrontRequests requests;

    DirectUserinfo(UserinfoResponses responses, SecurityHeaders securityHeaders, InFrontRequests requests) {
        this.responses = responses;
        this.securityHeaders = securityHeaders;
        this.requests = requests;
    }

    @Override
    public HttpHandler apply(HttpHandler next) {
        return (request, response) -> {
            String token = bearerToken(request);
            return token == null ? next.handle(request, response) : answer(token, request, response, next);
        };
    }

    /** The token of a plain-HTTP bearer GET of userinfo, or null for any other request. */
    private static @Nullable String bearerToken(ServerHttpRequest request) {
        if (request.getMethod() != HttpMethod.GET || request.getSslInfo() != null
                || !PATH.equals(request.getPath().value())) {
            return null;
        }
        UserinfoResponses.Presented presented = UserinfoResponses.Presented.in(
                request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        return presented == null || presented.dpop() || presented.token().isEmpty() ? null : presented.token();
    }

    /** What the lookup in front ends with: the answer to write, or what the pipeline is handed. */
    private record Outcome(UserinfoResponses.@Nullable Answer answer, UserinfoResponses.@Nullable Lookup handOver) {

        static Outcome handOver(String token, Mono<UserinfoResponses.Grant> grant) {
            return new Outcome(null, new UserinfoResponses.Lookup(token, grant));
        }
    }

    private Mono<Void> answer(String token, ServerHttpRequest request, ServerHttpResponse response, HttpHandler next) {
        long start = requests.start();
        Mono<Outcome> outcome = responses.activeGrant(token)
                .flatMap(grant -> grant.dpopJkt() != null
                        ? Mono.just(Outcome.handOver(token, Mono.just(grant)))
                        : responses.answerFor(grant).map(answer -> new Outcome(answer, null))
                                .switchIfEmpty(Mono.error(UserinfoResponses::clientGone)))
                // A failure at any step is handed over as the grant's: the routed handler meets it first and renders
                // it as it would have met it later (nothing it checks in between can fail for a bearer GET).
                .onErrorResume(failure -> Mono.just(Outcome.handOver(token, Mono.error(failure))))
                .switchIfEmpty(Mono.fromSupplier(() -> Outcome.handOver(token, Mono.empty())));
        // Closed by the client during the lookup: neither written here nor seen by the pipeline.
        return requests.untilAnswered(outcome, start)
                .flatMap(o -> o.answer() != null ? write(o.answer(), response, start)
                        : next.handle(request, response).contextWrite(Context.of(UserinfoResponses.Lookup.class,
                                o.handOver())));
    }

    private Mono<Void> write(UserinfoResponses.Answer answer, ServerHttpResponse response, long start) {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(HttpStatus.OK);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(answer.contentType());
        headers.setContentLength(body.length);
        headers.setCacheControl("no-store");
        securityHeaders.writeTo(headers);
        Mono<Void> written = response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
        return requests.timed(written, response, start);
    }
}
