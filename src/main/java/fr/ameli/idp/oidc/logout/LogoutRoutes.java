package fr.ameli.idp.oidc.logout;

import fr.ameli.idp.web.error.ErrorChannel;
import com.nimbusds.jwt.JWTClaimsSet;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.federation.FederationLogout;
import fr.ameli.idp.oidc.shared.Params;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.token.TokenIssuer;
import fr.ameli.idp.web.error.ErrorRenderer;
import fr.ameli.idp.web.error.PageException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * RP-initiated logout (OIDC RP-Initiated Logout 1.0), FranceConnect style: {@code id_token_hint} required
 * (an ID token we signed, possibly expired), optional {@code client_id} that must be its audience,
 * {@code post_logout_redirect_uri} registered for that client, {@code state} returned as is.
 */
@Configuration(proxyBeanMethods = false)
public class LogoutRoutes {

    @Bean
    RouterFunction<ServerResponse> logoutRouter(TokenIssuer tokens, RelyingParties clients, LoginSessions sessions,
            IdpProperties properties, ErrorRenderer errors, FederationLogout federation) {
        Handler h = new Handler(tokens, clients, sessions, properties, federation);
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET("/logout", request -> h.endSession(request).onErrorResume(errors::browser))
                .POST("/logout", request -> h.endSession(request).onErrorResume(errors::browser))
                .build());
    }

    private record Handler(TokenIssuer tokens, RelyingParties clients, LoginSessions sessions, IdpProperties properties,
            FederationLogout federation) {

        Mono<ServerResponse> endSession(ServerRequest request) {
            return Params.of(request).flatMap(params -> {
                String hint = params.get("id_token_hint");
                if (hint == null) {
                    return Mono.error(bad("erreur.id_token_hint"));
                }
                JWTClaimsSet claims;
                try {
                    claims = tokens.verify(hint);
                } catch (RuntimeException e) {
                    return Mono.error(bad("erreur.id_token_hint"));
                }
                if (!properties.issuer().equals(claims.getIssuer()) || claims.getAudience().isEmpty()) {
                    return Mono.error(bad("erreur.id_token_hint"));
                }
                String clientId = params.get("client_id") != null ? params.get("client_id") : claims.getAudience().get(0);
                if (!claims.getAudience().contains(clientId)) {
                    return Mono.error(bad("erreur.id_token_hint"));
                }
                String target = params.get("post_logout_redirect_uri");
                return clients.find(clientId)
                        .switchIfEmpty(Mono.error(() -> bad("erreur.client_id")))
                        .flatMap(client -> {
                            if (target != null && !client.hasPostLogoutRedirectUri(target)) {
                                return Mono.error(bad("erreur.post_logout_redirect_uri"));
                            }
                            URI back = target == null ? null : redirect(target, params.get("state"));
                            // A session opened through the provider is ended there too before coming back.
                            return sessions.current(request)
                                    .flatMap(session -> federation.endAtProvider(session, back))
                                    .map(Optional::of).defaultIfEmpty(Optional.empty())
                                    .flatMap(provider -> sessions.end(request).flatMap(cleared -> provider.isPresent()
                                            ? ServerResponse.seeOther(provider.get()).cookie(cleared).build()
                                            : back == null
                                            ? ServerResponse.ok().cookie(cleared).cacheControl(CacheControl.noStore())
                                                    .render("deconnexion", Map.of())
                                            : ServerResponse.seeOther(back).cookie(cleared).build()));
                        });
            });
        }

        private static URI redirect(String target, String state) {
            UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(target);
            if (state != null) {
                uri.queryParam("state", state);
            }
            return uri.encode().build().toUri();
        }

        private static PageException bad(String key) {
            return new PageException(key, HttpStatus.BAD_REQUEST);
        }
    }
}
