package fr.ameli.idp.selfservice;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.session.LoginSession;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.web.ClientAddress;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.web.error.ErrorRenderer;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * « Mes informations » at {@code /compte/mes-informations}: a logged-in person's identity (read-only, from the
 * registry), email, phones, consents and personal code, each changed by its own form (CSRF-protected,
 * POST-redirect-GET, French messages on the fields). Without a session every URL here leads to the login page.
 */
@Configuration(proxyBeanMethods = false)
class MyInformationRoutes {

    static final String PATH = "/compte/mes-informations";

    @Bean
    RouterFunction<ServerResponse> myInformationRouter(LoginSessions sessions, Accounts accounts, MyInformation information,
            EmailChange emailChange, ErrorRenderer errors) {
        Handlers h = new Handlers(sessions, accounts, information);
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET(PATH, request -> h.loggedIn(request, (r, session, account, form) ->
                        h.page(r, HttpStatus.OK, account, null, Map.of(), Map.of())))
                .POST(PATH + "/email", request -> h.loggedIn(request, (r, session, account, form) -> h.respond(r,
                        account, "email", information.changeEmail(account, value(form, "email"), value(form, "emailConfirmation"),
                                value(form, "codeActuel"), ClientAddress.of(r)))))
                .POST(PATH + "/telephones", request -> h.loggedIn(request, (r, session, account, form) -> h.respond(r,
                        account, "telephones", information.changePhones(account, value(form, "mobile"), value(form, "fixe")))))
                .POST(PATH + "/consentements", request -> h.loggedIn(request, (r, session, account, form) -> h.respond(r,
                        account, "consentements", information.changeConsents(account, form.getFirst("consentementEmail"),
                                form.getFirst("consentementTelephone"), form.getFirst("consentementSms")))))
                // This session stays open; every other one ends, and remembered browsers are forgotten.
                .POST(PATH + "/mot-de-passe", request -> h.loggedIn(request, (r, session, account, form) -> h.respond(r,
                        account, "mot-de-passe", information.changePassword(account, value(form, "actuel"),
                                value(form, "motDePasse"), value(form, "confirmation"), session.idHash(),
                                ClientAddress.of(r)))))
                .GET(EmailChange.CONFIRM_PATH, request -> emailChange.confirm(request.queryParam("jeton").orElse(""))
                        .flatMap(outcome -> Pages.render(request,
                                outcome == EmailChange.Outcome.CONFIRMED ? HttpStatus.OK : HttpStatus.GONE,
                                "compte/email-confirme", Map.of("resultat", outcome.name().toLowerCase(Locale.ROOT)))))
                .build());
    }

    /** What a page does for the logged-in person's account. */
    @FunctionalInterface
    private interface Action {
        Mono<ServerResponse> apply(ServerRequest request, LoginSession session, Account account,
                MultiValueMap<String, String> form);
    }

    private static String value(MultiValueMap<String, String> form, String name) {
        String v = form.getFirst(name);
        return v == null ? "" : v;
    }

    private record Handlers(LoginSessions sessions, Accounts accounts, MyInformation information) {

        /** Runs {@code action} for the logged-in person's account (with the posted form, if any), else to /login. */
        Mono<ServerResponse> loggedIn(ServerRequest request, Action action) {
            Mono<MultiValueMap<String, String>> form = request.method().matches("POST") ? request.formData()
                    : Mono.just(new LinkedMultiValueMap<>());
            return sessions.current(request)
                    .flatMap(session -> accounts.findById(session.accountId())
                            .flatMap(account -> form.flatMap(f -> action.apply(request, session, account, f))))
                    .switchIfEmpty(Mono.defer(() -> ServerResponse.seeOther(URI.create("/login")).build()));
        }

        /** POST-redirect-GET to the changed section, or the page again with the form's messages. */
        Mono<ServerResponse> respond(ServerRequest request, Account account, String section,
                Mono<MyInformation.Outcome> outcome) {
            return outcome.flatMap(result -> switch (result) {
                case MyInformation.Outcome.Changed changed ->
                        ServerResponse.seeOther(URI.create(PATH + "?modifie=" + section + "#" + section)).build();
                case MyInformation.Outcome.Invalid invalid ->
                        page(request, HttpStatus.OK, account, section, invalid.errors(), invalid.typed());
                case MyInformation.Outcome.TooManyTries limited ->
                        page(request, HttpStatus.TOO_MANY_REQUESTS, account, section, limited.errors(), limited.typed(),
                                limited.retryAfter());
            });
        }

        Mono<ServerResponse> page(ServerRequest request, HttpStatus status, Account account, @Nullable String form,
                Map<String, String> errors, Map<String, Object> typed) {
            return page(request, status, account, form, errors, typed, null);
        }

        /** With {@code retryAfter} (a 429): the {@code Retry-After} header. */
        Mono<ServerResponse> page(ServerRequest request, HttpStatus status, Account account, @Nullable String form,
                Map<String, String> errors, Map<String, Object> typed, @Nullable Duration retryAfter) {
            return information.model(account).flatMap(found -> {
                Map<String, Object> model = new HashMap<>(found);
                model.putAll(typed);
                model.put("formulaire", form == null ? "" : form);
                model.put("erreurs", errors);
                model.put("modifie", request.queryParam("modifie").orElse(""));
                return retryAfter == null ? Pages.render(request, status, "compte/mes-informations", model)
                        : Pages.limited(request, retryAfter, "compte/mes-informations", model);
            });
        }
    }
}
