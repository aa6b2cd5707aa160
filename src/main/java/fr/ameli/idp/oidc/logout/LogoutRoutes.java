package fr.ameli.idp.oidc.logout;

import fr.ameli.idp.web.error.ErrorChannel;
import com.nimbusds.jwt.JWTClaimsSet;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.federation.FederationLogout;
import fr.ameli.idp.oidc.shared.PairwiseSubject;
import fr.ameli.idp.oidc.shared.Params;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.session.LoginSession;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.token.TokenIssuer;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.error.ErrorRenderer;
import fr.ameli.idp.web.error.PageException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
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
 * RP-initiated logout (OIDC RP-Initiated Logout 1.0), FranceConnect style: optional {@code client_id} that must be
 * the hint's audience, {@code post_logout_redirect_uri} registered for that client, {@code state} returned as is.
 *
 * <p>The browser's session is ended at once only when the request carries an {@code id_token_hint} that is an ID
 * token this provider issued (possibly expired) to the person of this session. Criterion of an ID token: a JWS
 * signed with one of our published keys, {@code iss} = our issuer, {@code aud} = one registered client, a
 * {@code sub}, and the claims only ID tokens carry: {@code auth_time}, {@code nonce} and {@code acr} (a signed
 * userinfo response, the other JWT we sign, never has them: its claims are {@code sub}, the person's claims of
 * {@code ScopeClaims}, {@code iss}, {@code aud}, {@code iat}, {@code exp}). A hint naming another person, or no
 * hint at all (a link anyone can put on a page), leads to a French confirmation page whose form (POST, CSRF
 * token) ends the session; without a session there is nothing to confirm.
 */
@Configuration(proxyBeanMethods = false)
public class LogoutRoutes {

    static final String CONFIRM_PATH = "/logout/confirmation";

    @Bean
    RouterFunction<ServerResponse> logoutRouter(TokenIssuer tokens, RelyingParties clients, LoginSessions sessions,
            Accounts accounts, PairwiseSubject subjects, IdpProperties properties, ErrorRenderer errors,
            FederationLogout federation) {
        Handler h = new Handler(tokens, clients, sessions, accounts, subjects, properties, federation);
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET("/logout", request -> h.endSession(request).onErrorResume(errors::browser))
                .POST("/logout", request -> h.endSession(request).onErrorResume(errors::browser))
                .POST(CONFIRM_PATH, request -> h.confirmed(request).onErrorResume(errors::browser))
                .build());
    }

    private record Handler(TokenIssuer tokens, RelyingParties clients, LoginSessions sessions, Accounts accounts,
            PairwiseSubject subjects, IdpProperties properties, FederationLogout federation) {

        Mono<ServerResponse> endSession(ServerRequest request) {
            return Params.of(request).flatMap(params -> {
                String hint = params.get("id_token_hint");
                String target = params.get("post_logout_redirect_uri");
                String state = params.get("state");
                if (hint == null) {
                    return client(params.get("client_id"), target).map(Optional::of).defaultIfEmpty(Optional.empty())
                            .flatMap(client -> sessions.current(request)
                                    .flatMap(session -> confirm(request, client.orElse(null), target, state))
                                    .switchIfEmpty(Mono.defer(() -> logout(request, back(target, state)))));
                }
                JWTClaimsSet claims = idToken(hint);
                String clientId = params.get("client_id") != null ? params.get("client_id") : claims.getAudience().get(0);
                if (!claims.getAudience().contains(clientId)) {
                    return Mono.error(bad("erreur.id_token_hint"));
                }
                return client(clientId, target).flatMap(client -> sessions.current(request)
                        .flatMap(session -> sameSubject(session, client, claims.getSubject()))
                        .defaultIfEmpty(true)
                        .flatMap(same -> same ? logout(request, back(target, state))
                                : confirm(request, client, target, state)));
            });
        }

        /** The confirmation form: the relying party and its redirect are checked again. */
        Mono<ServerResponse> confirmed(ServerRequest request) {
            return request.formData().flatMap(form -> {
                String target = blankToNull(form.getFirst("post_logout_redirect_uri"));
                return client(blankToNull(form.getFirst("client_id")), target)
                        .map(Optional::of).defaultIfEmpty(Optional.empty())
                        .flatMap(client -> logout(request, back(target, blankToNull(form.getFirst("state")))));
            });
        }

        /** The hint as an ID token of ours (see the class comment), or a « demande incorrecte » page. */
        private JWTClaimsSet idToken(String hint) {
            JWTClaimsSet claims;
            try {
                claims = tokens.verify(hint);
            } catch (RuntimeException e) {
                throw bad("erreur.id_token_hint");
            }
            if (!properties.issuer().equals(claims.getIssuer()) || claims.getAudience().size() != 1
                    || claims.getSubject() == null || claims.getClaim("auth_time") == null
                    || claims.getClaim("nonce") == null || claims.getClaim("acr") == null) {
                throw bad("erreur.id_token_hint");
            }
            return claims;
        }

        /** The registered client (empty when no client_id), whose post-logout URIs must list {@code target}. */
        private Mono<RelyingParty> client(@Nullable String clientId, @Nullable String target) {
            if (clientId == null) {
                return target == null ? Mono.empty() : Mono.error(bad("erreur.post_logout_redirect_uri"));
            }
            return clients.find(clientId)
                    .switchIfEmpty(Mono.error(() -> bad("erreur.client_id")))
                    .flatMap(client -> target != null && !client.hasPostLogoutRedirectUri(target)
                            ? Mono.error(bad("erreur.post_logout_redirect_uri")) : Mono.just(client));
        }

        private Mono<Boolean> sameSubject(LoginSession session, RelyingParty client, String sub) {
            return accounts.findById(session.accountId())
                    .map(account -> subjects.of(client.sector(), account.nir().value()).equals(sub))
                    .defaultIfEmpty(false);
        }

        private Mono<ServerResponse> confirm(ServerRequest request, @Nullable RelyingParty client, @Nullable String target,
                @Nullable String state) {
            Map<String, Object> model = new HashMap<>();
            model.put("clientId", client == null ? "" : client.clientId());
            model.put("clientName", client == null ? "" : client.name());
            model.put("redirection", target == null ? "" : target);
            model.put("etat", state == null ? "" : state);
            return Pages.render(request, "deconnexion-confirmation", model);
        }

        /** Ends the session (at the provider too, if it was opened there), then back to the client or « déconnecté ». */
        private Mono<ServerResponse> logout(ServerRequest request, @Nullable URI back) {
            return sessions.current(request)
                    .flatMap(session -> federation.endAtProvider(session, back))
                    .map(Optional::of).defaultIfEmpty(Optional.empty())
                    .flatMap(provider -> sessions.end(request).flatMap(cleared -> provider.isPresent()
                            ? ServerResponse.seeOther(provider.get()).cookie(cleared).build()
                            : back == null
                            ? ServerResponse.ok().cookie(cleared).cacheControl(CacheControl.noStore())
                                    .render("deconnexion", Map.of())
                            : ServerResponse.seeOther(back).cookie(cleared).build()));
        }

        private static @Nullable URI back(@Nullable String target, @Nullable String state) {
            if (target == null) {
                return null;
            }
            UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(target);
            if (state != null) {
                uri.queryParam("state", state);
            }
            return uri.encode().build().toUri();
        }

        private static @Nullable String blankToNull(@Nullable String value) {
            return value == null || value.isBlank() ? null : value;
        }

        private static PageException bad(String key) {
            return new PageException(key, HttpStatus.BAD_REQUEST);
        }
    }
}
