package fr.ameli.idp.oidc.userinfo;

import fr.ameli.idp.web.SecurityHeaders;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.util.context.Context;

/**
 * Userinfo's common call — GET with a bearer token that is valid — answered in front of the WebFlux pipeline, as the
 * discovery document and the JWKS are. Measured in turns against the routed handler (bench/results/
 * 2026-12-06-…-ab-direct-userinfo.md): the pipeline (server exchange, web filters, Spring Security's header writers,
 * the request's observation, routing, {@code ServerResponse} and its codecs) was a third of userinfo's CPU, for a
 * request that needs none of it: no session, no form, no cookie; the token authenticates it.
 *
 * <p>Same statement, same claims, same bytes as the routed handler ({@link UserinfoResponses} serves both), the same
 * security headers ({@link SecurityHeaders}), and the same {@code http.server.requests} series ({@link Requests}).
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
    private final @Nullable Requests requests;

    DirectUserinfo(UserinfoResponses responses, SecurityHeaders securityHeaders, @Nullable Requests requests) {
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
        long start = requests == null ? 0 : requests.clock.monotonicTime();
        return responses.activeGrant(token)
                .flatMap(grant -> grant.dpopJkt() != null
                        ? Mono.just(Outcome.handOver(token, Mono.just(grant)))
                        : responses.answerFor(grant).map(answer -> new Outcome(answer, null))
                                .switchIfEmpty(Mono.error(UserinfoResponses::clientGone)))
                // A failure at any step is handed over as the grant's: the routed handler meets it first and renders
                // it as it would have met it later (nothing it checks in between can fail for a bearer GET).
                .onErrorResume(failure -> Mono.just(Outcome.handOver(token, Mono.error(failure))))
                .switchIfEmpty(Mono.fromSupplier(() -> Outcome.handOver(token, Mono.empty())))
                // Closed by the client during the lookup: neither written here nor seen by the pipeline. (A
                // doOnCancel here would also run when the answer's write is cancelled; doFinally runs once.)
                .doFinally(signal -> {
                    if (signal == SignalType.CANCEL) {
                        aborted(false, start);
                    }
                })
                .flatMap(outcome -> outcome.answer() != null ? write(outcome.answer(), response, start)
                        : next.handle(request, response).contextWrite(Context.of(UserinfoResponses.Lookup.class,
                                outcome.handOver())));
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
        Requests timers = requests;
        return timers == null ? written : written
                .doOnSuccess(done -> timers.ok.record(timers.clock.monotonicTime() - start, TimeUnit.NANOSECONDS))
                .doOnCancel(() -> aborted(response.isCommitted(), start));
    }

    private void aborted(boolean committed, long start) {
        Requests timers = requests;
        if (timers != null) {
            timers.aborted(committed).record(timers.clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The {@code http.server.requests} timers of what is answered here, with the tags the request's observation gives
     * the same outcome (Spring's {@code DefaultServerRequestObservationConvention} and Micrometer's {@code error} tag),
     * so that they are the series the routed handler fed: a 200, and a connection the client closed during the answer
     * (status 200 once the response is committed, UNKNOWN before; outcome UNKNOWN). Prometheus wants every series of a
     * metric with the same tag names; DirectUserinfoTests compares them with the pipeline's.
     *
     * <p>What they do not show: a request handed over to the pipeline is timed by the pipeline's observation, from
     * its own start (the lookup in front is not in that duration: its statement, and for an encrypted answer the
     * client's keys); a write that fails is not timed;
     * {@code http.server.requests.active} is off in this service's configuration anyway.
     */
    static final class Requests {

        private final MeterRegistry meters;
        private final String name;
        private final Clock clock;
        private final Timer ok;

        Requests(MeterRegistry meters, String name) {
            this.meters = meters;
            this.name = name;
            this.clock = meters.config().clock();
            this.ok = timer("SUCCESS", "200");
        }

        Timer aborted(boolean committed) {
            return timer("UNKNOWN", committed ? "200" : "UNKNOWN");
        }

        private Timer timer(String outcome, String status) {
            return Timer.builder(name).tags("error", "none", "exception", "none", "method", "GET", "outcome", outcome,
                    "status", status, "uri", PATH).register(meters);
        }

        /**
         * Why the timers above would not be the observation's, or null. Another convention, tags added to every
         * observation, or the observation turned off would make them another series, or a series with other tag names
         * that Prometheus refuses — and with it every {@code http.server.requests} meter registered after it.
         */
        static @Nullable String conflict(ObservationProperties observations, boolean customConvention) {
            if (customConvention) {
                return "a ServerRequestObservationConvention bean names the tags of the request metric";
            }
            if (!observations.getKeyValues().isEmpty()) {
                return "management.observations.key-values adds tags to every observation";
            }
            String name = observations.getHttp().getServer().getRequests().getName();
            for (Map.Entry<String, Boolean> e : observations.getEnable().entrySet()) {
                String prefix = e.getKey();
                boolean matches = prefix.equals("all") || name.equals(prefix) || name.startsWith(prefix + ".");
                if (matches && !e.getValue()) {
                    return "management.observations.enable." + e.getKey() + " turns the request observation off";
                }
            }
            return null;
        }
    }
}
