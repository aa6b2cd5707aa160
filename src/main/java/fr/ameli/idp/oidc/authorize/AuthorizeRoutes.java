package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.oidc.shared.Params;
import fr.ameli.idp.oidc.shared.ScopeClaims;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.error.ErrorRenderer;
import fr.ameli.idp.web.error.OAuthError;
import fr.ameli.idp.web.error.OAuthException;
import java.net.URI;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The authorization endpoint (GET and POST, OIDC Core 3.1.2) and the consent page it may lead to. */
@Configuration(proxyBeanMethods = false)
public class AuthorizeRoutes {

    @Bean
    RouterFunction<ServerResponse> authorizeRouter(AuthorizationRequestValidator validator, AuthorizationFlow flow,
            LoginSessions sessions, RelyingParties clients, ErrorRenderer errors) {
        Handlers h = new Handlers(validator, flow, sessions, clients, errors);
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET("/authorize", h::authorize)
                .POST("/authorize", h::authorize)
                .GET("/consent", h::consentPage)
                .POST("/consent", h::consentDecision)
                .build());
    }

    private record Handlers(AuthorizationRequestValidator validator, AuthorizationFlow flow, LoginSessions sessions,
            RelyingParties clients, ErrorRenderer errors) {

        Mono<ServerResponse> authorize(ServerRequest request) {
            return Params.of(request)
                    .map(AuthorizationRequest::from)
                    .flatMap(validator::validate)
                    .flatMap(pending -> sessions.current(request)
                            .map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                            .flatMap(session -> flow.next(pending, false, session.orElse(null))))
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
