package fr.ameli.idp.oidc.userinfo;

import fr.ameli.idp.web.SecurityHeaders;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/**
 * Userinfo's common call — GET with a bearer token that is valid — answered in front of the WebFlux pipeline, as the
 * discovery document and the JWKS are. Measured in turns against the routed handler (bench/results/
 * 2026-12-06-…-experiment-userinfo-in-front.md): the pipeline (server exchange, web filters, Spring Security's header
 * writers, the request's observation, routing, {@code ServerResponse} and its codecs) was a third of userinfo's CPU,
 * for a request that needs none of it: no session, no form, no cookie; the token authenticates it.
 *
 * <p>Same statement, same claims, same bytes as the routed handler ({@link UserinfoResponses} serves both), the same
 * security headers ({@link SecurityHeaders}), and the same {@code http.server.requests} series (a timer registered
 * with the observation's tag keys and values for a 200). Everything else goes on to the pipeline, which answers it as
 * before: another method or scheme (POST, DPoP), a token sent otherwise, a request over TLS to this server (Spring
 * Security adds HSTS there), and every failure — unknown, expired or revoked token, a DPoP-bound token shown as a
 * bearer one, a client no longer registered, an error of the database or of a client's keys. Those then cost the
 * statement twice: they are the rare case, and one error hierarchy renders them all
 * ({@link fr.ameli.idp.web.error.ErrorRenderer}).
 */
final class DirectUserinfo implements HttpHandlerDecoratorFactory {

    static final String PATH = "/userinfo";

    private static final String BEARER = "Bearer ";

    private final UserinfoResponses responses;
    private final SecurityHeaders securityHeaders;
    private final @Nullable Timer requests;
    private final Clock clock;

    DirectUserinfo(UserinfoResponses responses, SecurityHeaders securityHeaders, @Nullable MeterRegistry meters,
            String requestsMetric) {
        this.responses = responses;
        this.securityHeaders = securityHeaders;
        // The tags the request's observation gives a successful GET of this route (Spring's server request convention,
        // and Micrometer's "error" tag), so that the series is the one the routed handler fed.
        this.requests = meters == null ? null : Timer.builder(requestsMetric)
                .tags("error", "none", "exception", "none", "method", "GET", "outcome", "SUCCESS", "status", "200",
                        "uri", PATH)
                .register(meters);
        this.clock = meters == null ? Clock.SYSTEM : meters.config().clock();
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
        String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = header.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }

    private Mono<Void> answer(String token, ServerHttpRequest request, ServerHttpResponse response, HttpHandler next) {
        long start = clock.monotonicTime();
        return responses.activeGrant(token)
                .filter(grant -> grant.dpopJkt() == null)
                .flatMap(grant -> responses.client(grant).flatMap(client -> responses.answer(grant, client)))
                .map(Optional::of)
                // Every failure is the pipeline's to answer (above), with its logging.
                .onErrorResume(failure -> Mono.just(Optional.empty()))
                .defaultIfEmpty(Optional.empty())
                .flatMap(answer -> answer.isPresent() ? write(answer.get(), response, start)
                        : next.handle(request, response));
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
        return requests == null ? written
                : written.doOnSuccess(done -> requests.record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS));
    }
}
