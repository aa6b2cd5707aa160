package fr.ameli.idp.login;

import fr.ameli.idp.oidc.authorize.AuthorizationFlow;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.web.error.ErrorRenderer;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import fr.ameli.idp.ratelimit.FixedWindow;
import fr.ameli.idp.ratelimit.RateLimiter;
import fr.ameli.idp.web.Pages;
import org.jspecify.annotations.Nullable;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
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
            RateLimiter limiter, LoginProperties properties) {
        Handlers h = new Handlers(login, sessions, flow, codes, accounts, errors, provisional, limiter, properties);
        return RouterFunctions.route()
                .GET("/login", h::page)
                .POST("/login", h::submit)
                .GET("/login/code", h::codePage)
                .POST("/login/code", h::codeSubmit)
                .build();
    }

    private record Handlers(PasswordLogin login, LoginSessions sessions, AuthorizationFlow flow, SecurityCodes codes,
            fr.ameli.idp.account.Accounts accounts, ErrorRenderer errors, ProvisionalLogin provisional,
            RateLimiter limiter, LoginProperties properties) {

        Mono<ServerResponse> page(ServerRequest request) {
            String auth = request.queryParam("auth").orElse("");
            Mono<Void> known = auth.isEmpty() ? Mono.empty() : flow.pending(auth).then();
            return known.then(Mono.defer(() -> form(request, auth, null))).onErrorResume(errors::browser);
        }

        Mono<ServerResponse> submit(ServerRequest request) {
            return request.formData().flatMap(form -> {
                String auth = value(form, "auth");
                String nir = value(form, "nir");
                String password = value(form, "password");
                if (nir.isBlank() || password.isEmpty()) {
                    return form(request, auth, "connexion.champs_obligatoires");
                }
                String subject = nir.replaceAll("\\s", "").toUpperCase(java.util.Locale.ROOT);
                String key = subject.length() > 13 ? subject.substring(0, 13) : subject;
                FixedWindow window = new FixedWindow(properties.failureWindow(), properties.maxFailuresPerNir());
                return limiter.counted("login-failure", key, window).flatMap(failures -> failures >= properties.maxFailuresPerNir()
                        ? form(request, auth, "connexion.trop_de_tentatives")
                        : login.check(nir, password).flatMap(result -> switch (result.outcome()) {
                    case INVALID -> limiter.acquire("login-failure", key, window)
                            .then(Mono.defer(() -> form(request, auth, "connexion.identifiants_incorrects")));
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
                    case OK -> codes.knownDevice(request, result.account().id()).flatMap(known -> known
                            ? loggedIn(result.account().id(), List.of("pwd"), auth, null)
                            : codes.challenge(result.account(), auth.isEmpty() ? null : auth)
                                    .flatMap(cookie -> ServerResponse.seeOther(URI.create("/login/code")).cookie(cookie).build()));
                }));
            }).onErrorResume(errors::browser);
        }

        /** « Code de sécurité »: the code sent by email to the account's address (shown masked). */
        Mono<ServerResponse> codePage(ServerRequest request) {
            return codeForm(request, null, request.queryParam("renvoye").isPresent() ? "code.renvoye" : null);
        }

        Mono<ServerResponse> codeSubmit(ServerRequest request) {
            return request.formData().flatMap(form -> {
                if ("renvoyer".equals(form.getFirst("action"))) {
                    return codes.challengedAccount(request).flatMap(accounts::findById)
                            .flatMap(account -> codes.resend(request, account.email()))
                            .flatMap(sent -> sent ? ServerResponse.seeOther(URI.create("/login/code?renvoye")).build()
                                    : codeForm(request, "code.trop_de_renvois", null))
                            .switchIfEmpty(Mono.defer(() -> expiredCode(request)));
                }
                return codes.verify(request, value(form, "code")).flatMap(v -> switch (v.outcome()) {
                    case ACCEPTED -> codes.rememberDevice(v.accountId()).flatMap(device -> loggedIn(v.accountId(),
                            List.of("pwd", "mail"), v.pendingAuthorizationId() == null ? "" : v.pendingAuthorizationId(), device));
                    case WRONG -> codeForm(request, "code.incorrect", null);
                    case EXHAUSTED, EXPIRED -> expiredCode(request);
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
            Map<String, Object> model = new HashMap<>();
            model.put("auth", "");
            model.put("erreur", "code.expire");
            return Pages.render(request, "connexion", model)
                    .doOnNext(r -> request.exchange().getResponse().addCookie(codes.clearChallenge()));
        }

        /** Opens the session and continues where the person was going (an RP's request, or the home page). */
        private Mono<ServerResponse> loggedIn(java.util.UUID accountId, List<String> amr, String auth,
                org.springframework.http.@Nullable ResponseCookie device) {
            return sessions.open(accountId, amr, "eidas1", null)
                    .flatMap(opened -> (auth.isEmpty() ? Mono.just(URI.create("/")) : flow.resume(auth, opened.session()))
                            .flatMap(target -> {
                                ServerResponse.BodyBuilder redirect = ServerResponse.seeOther(target).cookie(opened.cookie());
                                if (device != null) {
                                    redirect.cookie(device).cookie(codes.clearChallenge());
                                }
                                return redirect.build();
                            }));
        }

        private Mono<ServerResponse> form(ServerRequest request, String auth, @Nullable String errorKey) {
            Map<String, Object> model = new HashMap<>();
            model.put("auth", auth);
            if (errorKey != null) {
                model.put("erreur", errorKey);
            }
            return Pages.render(request, "connexion", model);
        }

        private static String value(MultiValueMap<String, String> form, String name) {
            String v = form.getFirst(name);
            return v == null ? "" : v;
        }
    }
}
