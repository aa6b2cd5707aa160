package fr.ameli.idp.oidc.userinfo;

import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.oidc.shared.DpopProofs;
import fr.ameli.idp.oidc.shared.PairwiseSubject;
import fr.ameli.idp.oidc.shared.ResponseEncryption;
import fr.ameli.idp.oidc.userinfo.UserinfoResponses.Grant;
import fr.ameli.idp.oidc.userinfo.UserinfoResponses.Presented;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.token.TokenIssuer;
import fr.ameli.idp.web.InFrontRequests;
import fr.ameli.idp.web.SecurityHeaders;
import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.web.error.ErrorRenderer;
import fr.ameli.idp.web.error.OAuthException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Userinfo (OIDC Core §5.3), GET and POST, answered as {@link UserinfoResponses} says. A plain-HTTP GET with a valid
 * bearer token is answered in front of the pipeline ({@link DirectUserinfo}); this handler answers everything else:
 * POST, the DPoP scheme, a GET over TLS to this server, and every error (with the lookup that met it, when it began in
 * front).
 */
@Configuration(proxyBeanMethods = false)
public class UserinfoRoutes {

    @Bean
    UserinfoResponses userinfoResponses(DatabaseClient db, RelyingParties clients, PairwiseSubject subjects,
            TokenIssuer tokens, Clock clock, IdpProperties properties, ResponseEncryption encryption) {
        return new UserinfoResponses(db, clients, subjects, tokens, clock, properties, encryption);
    }

    /**
     * Userinfo's bearer GET in front of the pipeline ({@link DirectUserinfo}), timed in the request metric's series;
     * through the pipeline like the rest if the metric is configured otherwise than those timers assume.
     */
    @Bean
    HttpHandlerDecoratorFactory directUserinfo(UserinfoResponses responses, SecurityHeaders securityHeaders,
            ObjectProvider<MeterRegistry> meters, ObjectProvider<ObservationProperties> observations,
            ObjectProvider<ServerRequestObservationConvention> conventions) {
        return InFrontRequests.decorator(meters, observations, conventions, "GET", DirectUserinfo.PATH, 200,
                timers -> new DirectUserinfo(responses, securityHeaders, timers));
    }

    @Bean
    RouterFunction<ServerResponse> userinfoRouter(UserinfoResponses responses, IdpProperties properties,
            ErrorRenderer errors, DpopProofs dpop) {
        Handler handler = new Handler(responses, properties, dpop);
        return ErrorChannel.OAUTH.declare(RouterFunctions.route()
                .GET("/userinfo", request -> handler.userinfo(request)
                        .onErrorResume(DpopProofs.DpopException.class, DpopProofs.DpopException::resourceResponse)
                        .onErrorResume(errors::json))
                .POST("/userinfo", request -> handler.userinfo(request)
                        .onErrorResume(DpopProofs.DpopException.class, DpopProofs.DpopException::resourceResponse)
                        .onErrorResume(errors::json))
                .build());
    }

    private record Handler(UserinfoResponses responses, IdpProperties properties, DpopProofs dpop) {

        Mono<ServerResponse> userinfo(ServerRequest request) {
            return bearer(request)
                    .flatMap(presented -> responses.lookup(presented.token()).flatMap(lookup -> lookup.grant()
                            .switchIfEmpty(Mono.error(() -> OAuthException.invalidToken("access token invalid, expired or revoked")))
                            .flatMap(g -> bound(request, presented, g))
                            .flatMap(responses::answerFor)
                            .switchIfEmpty(Mono.error(UserinfoResponses::clientGone))))
                    .flatMap(answer -> ServerResponse.ok().cacheControl(CacheControl.noStore())
                            .contentType(answer.contentType()).bodyValue(answer.body()));
        }

        /**
         * A DPoP-bound token is only accepted with the DPoP scheme and a proof by its key for this request, with the
         * token's hash ({@code ath}); a bearer token is not accepted with the DPoP scheme (RFC 9449 §7).
         */
        private Mono<Grant> bound(ServerRequest request, Presented presented, Grant g) {
            if (g.dpopJkt() == null) {
                return presented.dpop() ? Mono.error(OAuthException.invalidToken("not a DPoP-bound access token"))
                        : Mono.just(g);
            }
            if (!presented.dpop()) {
                return Mono.error(dpop.refused("DPoP-bound access token: the DPoP scheme and a proof are required"));
            }
            return dpop.verify(request, request.method().name(), properties.issuer() + "/userinfo", presented.token())
                    .flatMap(jkt -> jkt.equals(g.dpopJkt()) ? Mono.just(g)
                            : Mono.error(dpop.refused("DPoP proof by another key than the token's")));
        }

        /** RFC 6750: the Authorization header, or (POST only) the form body; never both, never the query. */
        private Mono<Presented> bearer(ServerRequest request) {
            String header = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
            Mono<String> fromBody = request.method() == HttpMethod.POST && request.headers().contentType()
                    .map(t -> t.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED)).orElse(false)
                    ? request.formData().mapNotNull(form -> form.getFirst("access_token")) : Mono.empty();
            Presented inHeader = Presented.in(header);
            if (inHeader != null) {
                return fromBody.hasElement().flatMap(both -> both
                        ? Mono.error(OAuthException.invalidRequest("token sent in more than one way"))
                        : Mono.just(inHeader));
            }
            return fromBody.map(token -> new Presented(token, false))
                    .switchIfEmpty(Mono.error(() -> OAuthException.invalidToken("bearer token required")));
        }
    }
}
