package fr.ameli.idp.login;

import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.oidc.authorize.AuthorizationFlow;
import fr.ameli.idp.oidc.shared.Acr;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.web.error.ErrorRenderer;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import fr.ameli.idp.web.ClientAddress;
import fr.ameli.idp.web.FixedPage;
import fr.ameli.idp.web.Pages;
import org.springframework.http.HttpStatus;
import org.jspecify.annotations.Nullable;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import reactor.core.publisher.Mono;

/**
 * The login page ("J'accède à mon compte ameli"): NIR + password or provisional code. On success the
 * session cookie is set and a waiting authorization request, if any, continues.
 */
@Configuration(proxyBeanMethods = false)
public class LoginRoutes {

    @Bean
    RouterFunction<ServerResponse> loginRouter(PasswordLogin login, LoginSessions sessions, AuthorizationFlow flow,
            SecurityCodes codes, fr.ameli.idp.account.Accounts accounts, ErrorRenderer errors, ProvisionalLogin provisional,
            List<ViewResolver> views) {
        Handlers h = new Handlers(login, sessions, flow, codes, accounts, errors, provisional,
                new FixedPage(views, "connexion", "auth"));
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET("/login", h::page)
                .POST("/login", h::submit)
                .GET("/login/code", h::codePage)
                .POST("/login/code", h::codeSubmit)
                .build());
    }

    private record Handlers(PasswordLogin login, LoginSessions sessions, AuthorizationFlow flow, SecurityCodes codes,
            fr.ameli.idp.account.Accounts accounts, ErrorRenderer errors, ProvisionalLogin provisional,
            FixedPage loginPage) {

        /** The page as first shown (no error): the same for everyone but for the request handle and CSRF token. */
        Mono<ServerResponse> page(ServerRequest request) {
            String auth = request.queryParam("auth").orElse("");
            Mono<Void> known = auth.isEmpty() ? Mono.empty() : flow.pending(auth).then();
            return known.then(Mono.defer(() -> loginPage.render(request, Map.of("auth", auth)))).onErrorResume(errors::browser);
        }

        Mono<ServerResponse> submit(ServerRequest request) {
            return request.formData().flatMap(form -> {
                String auth = value(form, "auth");
                String nir = value(form, "nir");
                String password = value(form, "password");
                if (nir.isBlank() || password.isEmpty()) {
                    return form(request, auth, "connexion.champs_obligatoires");
                }
                return login.check(nir, password, ClientAddress.of(request), codes.deviceCheck(request, auth))
                        .flatMap(result -> switch (result.outcome()) {
                    case INVALID -> form(request, auth, "connexion.identifiants_incorrects");
                    case LIMITED_NIR -> Pages.limited(request, result.retryAfter(), "connexion",
                            model(auth, "connexion.trop_de_tentatives"));
                    case LIMITED_ADDRESS -> Pages.limited(request, result.retryAfter(), "connexion",
                            model(auth, "connexion.trop_de_tentatives_adresse"));
                    case PENDING -> provisional.pending(result.account())
                            .flatMap(cookie -> ServerResponse.seeOther(URI.create(cookie.getPath())).cookie(cookie).build())
                            .switchIfEmpty(Mono.defer(() -> form(request, auth, "connexion.compte_non_active")));
                    case CODE_WITHOUT_ACCOUNT -> provisional.enroll(result.nir(), result.codeId(), auth)
                            .flatMap(cookie -> ServerResponse.seeOther(URI.create("/inscription/cgu")).cookie(cookie).build())
                            .switchIfEmpty(Mono.defer(() -> form(request, auth, "connexion.identifiants_incorrects")));
                    case CODE_OF_ACCOUNT -> provisional.startReset(result.codeId(), auth)
                            .flatMap(cookie -> ServerResponse.seeOther(URI.create(NewCodeRoutes.PATH)).cookie(cookie).build())
                            .switchIfEmpty(Mono.defer(() -> form(request, auth, "connexion.identifiants_incorrects")));
                    case LOCKED -> form(request, auth, "connexion.compte_bloque");
                    case OK -> result.opensSession()
                            ? loggedIn(sessions.draw(result.account().id(), List.of("pwd"), Acr.EIDAS1, null)
                                    .riding(result.giveBack()), auth, null)
                            : codes.challenge(result.account(), auth.isEmpty() ? null : auth).flatMap(challenge -> challenged(
                                    request, auth, challenge));
                });
            }).onErrorResume(errors::browser);
        }

        /** A code was sent (to the code page), or not: the code step is closed, or too many codes were sent. */
        private Mono<ServerResponse> challenged(ServerRequest request, String auth, SecurityCodes.Challenge challenge) {
            return switch (challenge) {
                case SecurityCodes.Challenge.Sent sent -> ServerResponse.seeOther(URI.create("/login/code"))
                        .cookie(sent.cookie()).build();
                case SecurityCodes.Challenge.Refused refused -> form(request, HttpStatus.TOO_MANY_REQUESTS, auth,
                        refused.why() == SecurityCodes.Refusal.BLOCKED ? "connexion.code_securite_bloque" : "code.trop_de_renvois");
            };
        }

        /** « Code de sécurité »: the code sent by email to the account's address (shown masked). */
        Mono<ServerResponse> codePage(ServerRequest request) {
            return codeForm(request, null, request.queryParam("renvoye").isPresent() ? "code.renvoye" : null);
        }

        Mono<ServerResponse> codeSubmit(ServerRequest request) {
            return request.formData().flatMap(form -> {
                if ("renvoyer".equals(form.getFirst("action"))) {
                    return codes.challengedAccount(request).flatMap(accounts::findById)
                            .flatMap(account -> codes.resend(request, account))
                            .flatMap(refusal -> refusal.isEmpty()
                                    ? ServerResponse.seeOther(URI.create("/login/code?renvoye")).build()
                                    : refusal.get() == SecurityCodes.Refusal.BLOCKED ? blockedCode(request)
                                    : codeForm(request, "code.trop_de_renvois", null))
                            .switchIfEmpty(Mono.defer(() -> expiredCode(request)));
                }
                return codes.verify(request, value(form, "code")).flatMap(v -> switch (v.outcome()) {
                    // The code was typed in this login: a second factor, eIDAS substantial.
                    case ACCEPTED -> codes.rememberDevice(v.accountId()).flatMap(device -> loggedIn(
                            sessions.draw(v.accountId(), Acr.AMR_SECOND_FACTOR, Acr.EIDAS2, null),
                            v.pendingAuthorizationId() == null ? "" : v.pendingAuthorizationId(), device));
                    case WRONG -> codeForm(request, "code.incorrect", null);
                    case EXHAUSTED, EXPIRED -> expiredCode(request);
                    case BLOCKED -> blockedCode(request);
                });
            }).onErrorResume(errors::browser);
        }

        private Mono<ServerResponse> codeForm(ServerRequest request, @Nullable String errorKey, @Nullable String infoKey) {
            return codes.challengedAccount(request).flatMap(accounts::findById)
                    .flatMap(account -> {
                        Map<String, Object> model = new HashMap<>();
                        model.put("emailMasque", fr.ameli.idp.account.EmailAddress.parse(account.email()).masked());
                        if (errorKey != null) {
                            model.put("erreur", errorKey);
                        }
                        if (infoKey != null) {
                            model.put("info", infoKey);
                        }
                        return Pages.render(request, "code-securite", model);
                    })
                    .switchIfEmpty(Mono.defer(() -> expiredCode(request)));
        }

        private Mono<ServerResponse> expiredCode(ServerRequest request) {
            return loginPageWithout(request, HttpStatus.OK, "code.expire");
        }

        /** Too many wrong codes for the account: the code step is closed for a while (the holder got a mail). */
        private Mono<ServerResponse> blockedCode(ServerRequest request) {
            return loginPageWithout(request, HttpStatus.TOO_MANY_REQUESTS, "connexion.code_securite_bloque");
        }

        /** The login page, and this browser's challenge forgotten. */
        private Mono<ServerResponse> loginPageWithout(ServerRequest request, HttpStatus status, String errorKey) {
            Map<String, Object> model = new HashMap<>();
            model.put("auth", "");
            model.put("erreur", errorKey);
            return Pages.render(request, status, "connexion", model, codes.clearChallenge());
        }

        /**
         * Opens the session ({@code opening}, drawn) and continues where the person was going (an RP's request, or
         * the home page); with a request waiting, the session is stored by the statement that reads it.
         */
        private Mono<ServerResponse> loggedIn(LoginSessions.NewSession opening, String auth,
                org.springframework.http.@Nullable ResponseCookie device) {
            return (auth.isEmpty() ? sessions.open(opening).thenReturn(URI.create("/")) : flow.resume(auth, opening))
                    .flatMap(target -> {
                        ServerResponse.BodyBuilder redirect = ServerResponse.seeOther(target).cookie(opening.cookie());
                        if (device != null) {
                            redirect.cookie(device).cookie(codes.clearChallenge());
                        }
                        return redirect.build();
                    });
        }

        private Mono<ServerResponse> form(ServerRequest request, String auth, @Nullable String errorKey) {
            return form(request, HttpStatus.OK, auth, errorKey);
        }

        private Mono<ServerResponse> form(ServerRequest request, HttpStatus status, String auth, @Nullable String errorKey) {
            return Pages.render(request, status, "connexion", model(auth, errorKey));
        }

        private static Map<String, Object> model(String auth, @Nullable String errorKey) {
            Map<String, Object> model = new HashMap<>();
            model.put("auth", auth);
            if (errorKey != null) {
                model.put("erreur", errorKey);
            }
            return model;
        }

        private static String value(MultiValueMap<String, String> form, String name) {
            String v = form.getFirst(name);
            return v == null ? "" : v;
        }
    }
}
