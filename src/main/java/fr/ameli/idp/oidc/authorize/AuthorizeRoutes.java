package fr.ameli.idp.oidc.authorize;

import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.oidc.shared.ClientAuthenticator;
import fr.ameli.idp.oidc.shared.Params;
import fr.ameli.idp.oidc.shared.ScopeClaims;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.web.HandOver;
import fr.ameli.idp.web.InFrontRequests;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.SecurityHeaders;
import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.web.error.ErrorRenderer;
import fr.ameli.idp.web.error.OAuthError;
import fr.ameli.idp.web.error.OAuthException;
import fr.ameli.idp.web.error.PageException;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;
import reactor.core.publisher.Mono;

/** The authorization endpoint (GET and POST, OIDC Core 3.1.2) and the consent page it may lead to. */
@Configuration(proxyBeanMethods = false)
public class AuthorizeRoutes {

    @Bean
    RouterFunction<ServerResponse> authorizeRouter(AuthorizationEndpoint endpoint, AuthorizationFlow flow,
            LoginSessions sessions, RelyingParties clients, ErrorRenderer errors) {
        Handlers h = new Handlers(endpoint, flow, sessions, clients, errors);
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET("/authorize", h::authorize)
                .POST("/authorize", h::authorize)
                .GET("/consent", h::consentPage)
                .POST("/consent", h::consentDecision)
                .build());
    }

    /**
     * The authorization endpoint's GET in front of the pipeline ({@link DirectAuthorize}), timed in the request metric's
     * series; through the pipeline like the rest if the metric is configured otherwise than those timers assume.
     */
    @Bean
    HttpHandlerDecoratorFactory directAuthorize(AuthorizationEndpoint endpoint, ForwardedHeaderTransformer clientAddress,
            SecurityHeaders securityHeaders, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<ObservationProperties> observations,
            ObjectProvider<ServerRequestObservationConvention> conventions) {
        return InFrontRequests.decorator(meters, observations, conventions, "GET", DirectAuthorize.PATH, 303,
                timers -> new DirectAuthorize(endpoint, clientAddress, securityHeaders, timers));
    }

    /** The pushed authorization request endpoint: a client-facing OAuth endpoint, so its errors are RFC 6749 JSON. */
    @Bean
    RouterFunction<ServerResponse> parRouter(AuthorizationRequestValidator validator, ErrorRenderer errors,
            PushedAuthorizations pushed, ClientAuthenticator authenticator) {
        Push h = new Push(validator, errors, pushed, authenticator);
        return ErrorChannel.OAUTH.declare(RouterFunctions.route()
                .POST("/par", h::push)
                .build());
    }

    private record Push(AuthorizationRequestValidator validator, ErrorRenderer errors, PushedAuthorizations pushed,
            ClientAuthenticator authenticator) {

        /**
         * The pushed authorization request endpoint (RFC 9126 §2): the client authenticates as at /token, the request is
         * checked by the same rules as at /authorize (errors as JSON), and kept 60 s under a single-use request_uri.
         */
        Mono<ServerResponse> push(ServerRequest request) {
            return Params.of(request)
                    .flatMap(params -> authenticator.authenticate(request, params).flatMap(client -> {
                        if (params.get("request_uri") != null) {
                            return Mono.error(OAuthException.invalidRequest("request_uri is not allowed at the PAR endpoint"));
                        }
                        java.util.Map<String, String> values = new java.util.HashMap<>(params.asMap());
                        values.keySet().removeAll(java.util.List.of("client_secret", "client_assertion", "client_assertion_type"));
                        values.put("client_id", client.clientId());
                        Params pushedParams = Params.of(values);
                        return validator.validate(AuthorizationRequest.from(pushedParams, true))
                                .onErrorMap(PageException.class, e -> OAuthException.invalidRequest(
                                        "erreur.redirect_uri".equals(e.messageKey()) ? "redirect_uri is not registered"
                                                : "invalid client_id"))
                                .then(pushed.push(client.clientId(), pushedParams));
                    }))
                    .flatMap(uri -> ServerResponse.status(HttpStatus.CREATED)
                            .contentType(MediaType.APPLICATION_JSON)
                            .cacheControl(CacheControl.noStore())
                            .bodyValue(JSONObjectUtils.toJSONString(java.util.Map.of("request_uri", uri,
                                    "expires_in", PushedAuthorizations.LIFETIME.toSeconds()))))
                    .onErrorResume(errors::json);
        }
    }

    private record Handlers(AuthorizationEndpoint endpoint, AuthorizationFlow flow, LoginSessions sessions,
            RelyingParties clients, ErrorRenderer errors) {

        /** A request that began in front of the pipeline and failed there brings its failure along. */
        Mono<ServerResponse> authorize(ServerRequest request) {
            return Params.of(request)
                    .flatMap(params -> HandOver.failureOr(() -> endpoint.answer(request.exchange().getRequest(), params)))
                    .flatMap(Handlers::seeOther)
                    .onErrorResume(errors::browser);
        }

        Mono<ServerResponse> consentPage(ServerRequest request) {
            String id = request.queryParam("auth").orElse("");
            return flow.pending(id)
                    .flatMap(pending -> sessions.current(request)
                            .flatMap(session -> clients.find(pending.clientId())
                                    .flatMap(client -> Pages.render(request, "consentement", Map.of(
                                                    "auth", pending.id(),
                                                    "clientName", client.name(),
                                                    "claims", ScopeClaims.claims(pending.scopes())))))
                            .switchIfEmpty(Mono.defer(() -> seeOther(URI.create("/login?auth=" + id)))))
                    .onErrorResume(errors::browser);
        }

        Mono<ServerResponse> consentDecision(ServerRequest request) {
            return request.formData().flatMap(form -> {
                String id = form.getFirst("auth") == null ? "" : form.getFirst("auth");
                boolean accepted = "accepter".equals(form.getFirst("decision"));
                return flow.pending(id).flatMap(pending -> sessions.current(request)
                        .flatMap(session -> accepted ? flow.consent(pending, session) : refused(pending))
                        .switchIfEmpty(Mono.defer(() -> Mono.just(URI.create("/login?auth=" + id)))));
            }).flatMap(Handlers::seeOther).onErrorResume(errors::browser);
        }

        private static Mono<URI> refused(PendingAuthorization pending) {
            return Mono.error(new OAuthException(OAuthError.ACCESS_DENIED, "the user refused to share the data")
                    .redirectTo(pending.redirectUri(), pending.state()));
        }

        private static Mono<ServerResponse> seeOther(URI target) {
            return ServerResponse.seeOther(target).cacheControl(CacheControl.noStore()).build();
        }
    }

}
