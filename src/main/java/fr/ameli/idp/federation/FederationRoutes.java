package fr.ameli.idp.federation;

import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.enrollment.EnrollmentProperties;
import fr.ameli.idp.enrollment.EnrollmentRoutes;
import fr.ameli.idp.oidc.authorize.AuthorizationFlow;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.web.ClientAddress;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.error.ErrorRenderer;
import fr.ameli.idp.web.error.OAuthException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The browser side of the provider (SPEC 3.3):
 * <ul>
 *   <li>{@code GET /federation/login?auth=…} (« S'identifier avec FranceConnect » on the login page) and
 *       {@code GET /federation/inscription?auth=…} (« Je crée immédiatement mon compte via FranceConnect »):
 *       redirect to the provider; the browser gets the {@code AMELI_FC} cookie its state is bound to;</li>
 *   <li>{@code GET /federation/callback}: the registered redirect URI;</li>
 *   <li>{@code GET|POST /federation/confirmation}: « Confirmez votre compte ameli » (password of an existing,
 *       unlinked account);</li>
 *   <li>{@code GET /federation/logout-callback}: the registered post-logout redirect URI.</li>
 * </ul>
 * Any failure of the provider gives « Création (Connexion) via FranceConnect impossible pour le moment »
 * (502/503), logged at WARN with its reason code only; nothing is created.
 */
@Configuration(proxyBeanMethods = false)
public class FederationRoutes {

    static final String BROWSER_COOKIE = "AMELI_FC";
    static final String LINK_COOKIE = "AMELI_FC_LIEN";

    private static final Logger log = LoggerFactory.getLogger(FederationRoutes.class);

    @Bean
    RouterFunction<ServerResponse> federationRouter(FederationLogin login, AccountLink link, FederationLogout logout,
            AuthorizationFlow flow, FederationSettings settings, IdpProperties idp, EnrollmentProperties enrollment,
            ErrorRenderer errors) {
        Handlers h = new Handlers(login, link, logout, flow, settings, idp, enrollment, errors);
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET("/federation/login", request -> Mono.defer(() -> h.start(request, FederationRequests.Purpose.LOGIN)))
                .GET("/federation/inscription",
                        request -> Mono.defer(() -> h.start(request, FederationRequests.Purpose.ENROLLMENT)))
                .GET("/federation/callback", request -> Mono.defer(() -> h.callback(request)))
                .GET("/federation/confirmation", h::confirmationPage)
                .POST("/federation/confirmation", h::confirm)
                .GET("/federation/logout-callback", request -> Mono.defer(() -> h.loggedOut(request)))
                .build());
    }

    private record Handlers(FederationLogin login, AccountLink link, FederationLogout logout, AuthorizationFlow flow,
            FederationSettings settings, IdpProperties idp, EnrollmentProperties enrollment, ErrorRenderer errors) {

        Mono<ServerResponse> start(ServerRequest request, FederationRequests.Purpose purpose) {
            String auth = single(request, "auth");
            Mono<Void> known = auth == null ? Mono.empty() : flow.pending(auth).then();
            return known.then(Mono.defer(() -> login.start(purpose, auth, cookie(request, BROWSER_COOKIE))))
                    .flatMap(redirect -> ServerResponse.seeOther(redirect.location())
                            .cookie(cookie(BROWSER_COOKIE, redirect.browserHandle(), settings.properties().requestTtl()))
                            .build())
                    .onErrorResume(e -> failed(request, purpose, auth, e));
        }

        Mono<ServerResponse> callback(ServerRequest request) {
            FederationLogin.Callback callback = new FederationLogin.Callback(single(request, "code"),
                    single(request, "state"), single(request, "error"), single(request, "iss"));
            String browser = cookie(request, BROWSER_COOKIE);
            if (callback.state() == null || browser == null) {
                return expired();
            }
            return login.consume(callback.state(), browser)
                    .flatMap(authorization -> login.complete(authorization, callback)
                            .flatMap(outcome -> respond(request, authorization.purpose(), outcome))
                            .onErrorResume(e -> failed(request, authorization.purpose(),
                                    authorization.pendingAuthorizationId(), e)))
                    .switchIfEmpty(Mono.defer(this::expired));
        }

        Mono<ServerResponse> confirmationPage(ServerRequest request) {
            String handle = cookie(request, LINK_COOKIE);
            return (handle == null ? Mono.<AccountLink.Pending>empty() : link.pending(handle))
                    .flatMap(pending -> confirmationForm(request, pending, null, HttpStatus.OK))
                    .switchIfEmpty(Mono.defer(this::expired));
        }

        Mono<ServerResponse> confirm(ServerRequest request) {
            String handle = cookie(request, LINK_COOKIE);
            return request.formData().flatMap(form -> {
                String password = form.getFirst("motDePasse");
                if (handle == null) {
                    return expired();
                }
                if (password == null || password.isEmpty()) {
                    return link.pending(handle)
                            .flatMap(pending -> confirmationForm(request, pending, "federation.confirmation.obligatoire",
                                    HttpStatus.OK))
                            .switchIfEmpty(Mono.defer(this::expired));
                }
                return link.confirm(handle, password, ClientAddress.of(request))
                        .flatMap(outcome -> switch (outcome) {
                            case AccountLink.Outcome.SignedIn in ->
                                    signedIn(in.opened(), in.pendingAuthorizationId(), clear(LINK_COOKIE));
                            case AccountLink.Outcome.WrongPassword wrong -> confirmationForm(request, wrong.pending(),
                                    "federation.confirmation.incorrect", HttpStatus.OK);
                            case AccountLink.Outcome.Limited limited -> Pages.limited(request, limited.retryAfter(),
                                    "federation/confirmation", confirmationModel(limited.pending(),
                                            "federation.confirmation.trop_de_tentatives"));
                            case AccountLink.Outcome.Refused refused -> refusedPage(request, refused.purpose(),
                                    refused.motif(), refused.pendingAuthorizationId(), clear(LINK_COOKIE));
                        })
                        .switchIfEmpty(Mono.defer(this::expired));
            });
        }

        Mono<ServerResponse> loggedOut(ServerRequest request) {
            String state = single(request, "state");
            return (state == null ? Mono.<FederationRequests.Logout>empty() : logout.complete(state))
                    .flatMap(done -> done.target() == null ? loggedOutPage(request)
                            : ServerResponse.seeOther(URI.create(done.target())).build())
                    // Unknown state: we are logged out all the same; go nowhere else.
                    .switchIfEmpty(Mono.defer(() -> loggedOutPage(request)));
        }

        private Mono<ServerResponse> respond(ServerRequest request, FederationRequests.Purpose purpose,
                FederationLogin.Outcome outcome) {
            return switch (outcome) {
                case FederationLogin.Outcome.SignedIn in -> signedIn(in.opened(), in.pendingAuthorizationId(), null);
                case FederationLogin.Outcome.EnrollmentStarted started -> ServerResponse
                        .seeOther(URI.create("/inscription/" + started.started().enrollment().step().slug()))
                        .cookie(EnrollmentRoutes.cookie(started.started().handle(), idp, enrollment))
                        .build();
                case FederationLogin.Outcome.LinkRequired required -> ServerResponse
                        .seeOther(URI.create("/federation/confirmation"))
                        .cookie(cookie(LINK_COOKIE, required.handle(), settings.properties().requestTtl()))
                        .build();
                case FederationLogin.Outcome.Refused refused ->
                        refusedPage(request, purpose, refused.motif(), refused.pendingAuthorizationId(), null);
            };
        }

        private Mono<ServerResponse> signedIn(LoginSessions.NewSession opened, @Nullable String pendingAuthorizationId,
                @Nullable ResponseCookie extra) {
            Mono<URI> target = pendingAuthorizationId == null ? Mono.just(URI.create("/"))
                    : flow.resume(pendingAuthorizationId, opened.session());
            return target.flatMap(uri -> {
                ServerResponse.BodyBuilder response = ServerResponse.seeOther(uri).cookie(opened.cookie());
                if (extra != null) {
                    response.cookie(extra);
                }
                return response.build();
            });
        }

        private Mono<ServerResponse> confirmationForm(ServerRequest request, AccountLink.Pending pending,
                @Nullable String error, HttpStatus status) {
            return Pages.render(request, status, "federation/confirmation", confirmationModel(pending, error));
        }

        private static Map<String, Object> confirmationModel(AccountLink.Pending pending, @Nullable String error) {
            Map<String, Object> model = new HashMap<>();
            model.put("nirMasque", pending.maskedNir());
            model.put("parcours", journey(pending.purpose()));
            if (error != null) {
                model.put("erreur", error);
            }
            return model;
        }

        private Mono<ServerResponse> refusedPage(ServerRequest request, FederationRequests.Purpose purpose, String motif,
                @Nullable String auth, @Nullable ResponseCookie extra) {
            Map<String, Object> model = new HashMap<>();
            model.put("motif", motif);
            model.put("parcours", journey(purpose));
            model.put("auth", auth == null ? "" : auth);
            return extra == null ? Pages.render(request, HttpStatus.OK, "federation/echec", model)
                    : Pages.render(request, HttpStatus.OK, "federation/echec", model, extra);
        }

        /** The one failure path of the provider: the French page of the journey, the reason code in the log. */
        private Mono<ServerResponse> failed(ServerRequest request, FederationRequests.Purpose purpose, @Nullable String auth,
                Throwable e) {
            ProviderFailure.Reason reason = ProviderFailure.reasonOf(e);
            if (reason == null) {
                return Mono.error(e);
            }
            Throwable cause = e.getCause() == null ? null : e.getCause().getCause();
            log.warn("FranceConnect {} failed: reason={}{}", purpose.name().toLowerCase(Locale.ROOT), e.getMessage(),
                    cause == null ? "" : " cause=" + cause.getClass().getSimpleName());
            Map<String, Object> model = new HashMap<>();
            model.put("parcours", journey(purpose));
            model.put("message", reason == ProviderFailure.Reason.NOT_CONFIGURED ? "federation.indisponible.texte"
                    : "federation.impossible.texte");
            model.put("auth", auth == null ? "" : auth);
            return Pages.render(request, reason.status(), "federation/impossible", model);
        }

        private Mono<ServerResponse> loggedOutPage(ServerRequest request) {
            return Pages.render(request, "deconnexion", Map.of());
        }

        private Mono<ServerResponse> expired() {
            return errors.page("federation.demande_expiree", HttpStatus.BAD_REQUEST);
        }

        private ResponseCookie cookie(String name, String value, Duration maxAge) {
            return ResponseCookie.from(name, value).httpOnly(true).secure(idp.secure()).sameSite("Lax")
                    .path("/federation").maxAge(maxAge).build();
        }

        private ResponseCookie clear(String name) {
            return cookie(name, "", Duration.ZERO);
        }

        private static String journey(FederationRequests.Purpose purpose) {
            return purpose == FederationRequests.Purpose.ENROLLMENT ? "creation" : "connexion";
        }

        private static @Nullable String cookie(ServerRequest request, String name) {
            HttpCookie c = request.cookies().getFirst(name);
            return c == null || c.getValue().isBlank() ? null : c.getValue();
        }

        /** A parameter given once (RFC 6749 §3.1: never twice); blank counts as absent. */
        private static @Nullable String single(ServerRequest request, String name) {
            List<String> values = request.queryParams().get(name);
            if (values == null || values.isEmpty()) {
                return null;
            }
            if (values.size() > 1) {
                throw OAuthException.invalidRequest(name + " included more than once");
            }
            String value = values.get(0);
            return value == null || value.isBlank() ? null : value;
        }
    }
}
