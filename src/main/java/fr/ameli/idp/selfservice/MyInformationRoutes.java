package fr.ameli.idp.selfservice;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.EmailAddress;
import fr.ameli.idp.account.FrenchPhoneNumber;
import fr.ameli.idp.account.InvalidEmailException;
import fr.ameli.idp.account.InvalidPhoneNumberException;
import fr.ameli.idp.account.PasswordChanges;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.account.PasswordPolicy;
import fr.ameli.idp.account.PasswordViolation;
import fr.ameli.idp.registry.InsuredPerson;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.error.ErrorRenderer;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
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
    RouterFunction<ServerResponse> myInformationRouter(LoginSessions sessions, Accounts accounts, Registry registry,
            EmailChange emailChange, PasswordHasher hasher, CurrentPassword currentPassword, PasswordChanges passwordChanges,
            ErrorRenderer errors) {
        Handlers h = new Handlers(sessions, accounts, registry, emailChange, hasher, currentPassword, passwordChanges);
        return RouterFunctions.route()
                .GET(PATH, request -> h.loggedIn(request, (r, account, form) -> h.page(r, account, null, Map.of(), Map.of())))
                .POST(PATH + "/email", request -> h.loggedIn(request, h::email))
                .POST(PATH + "/telephones", request -> h.loggedIn(request, h::phones))
                .POST(PATH + "/consentements", request -> h.loggedIn(request, h::consents))
                .POST(PATH + "/mot-de-passe", request -> h.loggedIn(request, h::password))
                .GET(EmailChange.CONFIRM_PATH, request -> emailChange.confirm(request.queryParam("jeton").orElse(""))
                        .flatMap(outcome -> Pages.render(request,
                                outcome == EmailChange.Outcome.CONFIRMED ? HttpStatus.OK : HttpStatus.GONE,
                                "compte/email-confirme", Map.of("resultat", outcome.name().toLowerCase(Locale.ROOT)))))
                .filter((request, next) -> next.handle(request).onErrorResume(errors::browser))
                .build();
    }

    /** What a page does for the logged-in person's account. */
    @FunctionalInterface
    private interface Action {
        Mono<ServerResponse> apply(ServerRequest request, Account account, MultiValueMap<String, String> form);
    }

    /** What a form does once the current password was right. */
    @FunctionalInterface
    private interface Reauthenticated {
        Mono<ServerResponse> apply();
    }

    private record Handlers(LoginSessions sessions, Accounts accounts, Registry registry, EmailChange emailChange,
            PasswordHasher hasher, CurrentPassword currentPassword, PasswordChanges passwordChanges) {

        /** Runs {@code action} for the logged-in person's account (with the posted form, if any), else to /login. */
        Mono<ServerResponse> loggedIn(ServerRequest request,
                Action action) {
            Mono<MultiValueMap<String, String>> form = request.method().matches("POST") ? request.formData()
                    : Mono.just(new org.springframework.util.LinkedMultiValueMap<>());
            return sessions.current(request)
                    .flatMap(session -> accounts.findById(session.accountId()))
                    .flatMap(account -> form.flatMap(f -> action.apply(request, account, f)))
                    .switchIfEmpty(Mono.defer(() -> ServerResponse.seeOther(URI.create("/login")).build()));
        }

        Mono<ServerResponse> email(ServerRequest request, Account account, MultiValueMap<String, String> form) {
            Map<String, String> errors = new LinkedHashMap<>();
            EmailAddress next = null;
            try {
                next = EmailAddress.parse(form.getFirst("email"));
                if (!next.canonical().equals(canonical(form.getFirst("emailConfirmation")))) {
                    errors.put("emailConfirmation", "inscription.email.differents");
                } else if (account.email() != null && next.equals(EmailAddress.parse(account.email()))) {
                    errors.put("email", "compte.email.identique");
                }
            } catch (InvalidEmailException e) {
                errors.put("email", e.reason() == InvalidEmailException.Reason.EMPTY ? "inscription.email.obligatoire"
                        : "inscription.email.invalide");
            }
            Map<String, Object> typed = Map.of("email", value(form, "email"), "emailConfirmation", value(form, "emailConfirmation"));
            if (!errors.isEmpty() || next == null) {
                return page(request, account, "email", errors, typed);
            }
            EmailAddress address = next;
            return reauthenticated(request, account, "email", "codeActuel", value(form, "codeActuel"), typed,
                    () -> accounts.emailAvailable(address).flatMap(available -> available
                            ? emailChange.request(account, address).then(done("email"))
                            : page(request, account, "email", Map.of("email", "inscription.email.deja_utilise"), typed)));
        }

        /** Runs {@code then} once the current password is right; otherwise the form again, with the reason. */
        Mono<ServerResponse> reauthenticated(ServerRequest request, Account account, String form, String field,
                String typedPassword, Map<String, Object> typed, Reauthenticated then) {
            return currentPassword.check(account, typedPassword).flatMap(outcome -> switch (outcome) {
                case RIGHT -> then.apply();
                case WRONG -> page(request, account, form, Map.of(field, "compte.mdp.actuel_incorrect"), typed);
                case LIMITED -> page(request, HttpStatus.TOO_MANY_REQUESTS, account, form,
                        Map.of(field, "compte.mdp.actuel_trop_essais"), typed);
            });
        }

        Mono<ServerResponse> phones(ServerRequest request, Account account, MultiValueMap<String, String> form) {
            Map<String, String> errors = new LinkedHashMap<>();
            FrenchPhoneNumber mobile = phone(value(form, "mobile"), true, errors);
            FrenchPhoneNumber landline = phone(value(form, "fixe"), false, errors);
            if (!errors.isEmpty()) {
                return page(request, account, "telephones", errors,
                        Map.of("mobile", value(form, "mobile"), "fixe", value(form, "fixe")));
            }
            return accounts.updatePhones(account.id(), mobile, landline).then(done("telephones"));
        }

        Mono<ServerResponse> consents(ServerRequest request, Account account, MultiValueMap<String, String> form) {
            Boolean email = yesNo(form.getFirst("consentementEmail"));
            Boolean phone = yesNo(form.getFirst("consentementTelephone"));
            Boolean sms = yesNo(form.getFirst("consentementSms"));
            if (email == null || phone == null || sms == null) {
                return page(request, account, "consentements",
                        Map.of("consentements", "inscription.consentement.obligatoire"), Map.of());
            }
            return accounts.updateConsents(account.id(), email, phone, sms).then(done("consentements"));
        }

        Mono<ServerResponse> password(ServerRequest request, Account account, MultiValueMap<String, String> form) {
            String current = value(form, "actuel");
            String password = value(form, "motDePasse");
            return reauthenticated(request, account, "mot-de-passe", "actuel", current, Map.of(), () -> {
                return registry.findByNir(account.nir()).flatMap(person -> {
                    List<PasswordViolation> violations = PasswordPolicy.check(password, value(form, "confirmation"),
                            person.nir(), person.birthDate());
                    if (!violations.isEmpty()) {
                        return page(request, account, "mot-de-passe", Map.of(), Map.of("violations",
                                violations.stream().map(v -> "mdp." + v.name().toLowerCase(Locale.ROOT)).toList()));
                    }
                    // This session stays open; every other one ends, and remembered browsers are forgotten.
                    return sessions.current(request).flatMap(session -> hasher.hash(password)
                                    .flatMap(hash -> passwordChanges.change(account.id(), hash, session.idHash())))
                            .then(done("mot-de-passe"));
                });
            });
        }

        Mono<ServerResponse> page(ServerRequest request, Account account, @Nullable String form, Map<String, String> errors,
                Map<String, Object> typed) {
            return page(request, HttpStatus.OK, account, form, errors, typed);
        }

        Mono<ServerResponse> page(ServerRequest request, HttpStatus status, Account account, @Nullable String form,
                Map<String, String> errors, Map<String, Object> typed) {
            return registry.findByNir(account.nir())
                    .zipWith(accounts.contactDetails(account.id()))
                    .flatMap(found -> emailChange.pending(account).map(EmailAddress::parse).map(EmailAddress::masked)
                            .defaultIfEmpty("")
                            .flatMap(pending -> {
                                Map<String, Object> model = new HashMap<>(typed);
                                identity(found.getT1(), model);
                                Accounts.ContactDetails contact = found.getT2();
                                model.put("emailActuel", account.email() == null ? "" : account.email());
                                model.put("emailEnAttente", pending);
                                model.putIfAbsent("mobile", national(contact.mobile()));
                                model.putIfAbsent("fixe", national(contact.landline()));
                                model.put("consentementEmail", contact.consentEmail() ? "oui" : "non");
                                model.put("consentementTelephone", contact.consentPhone() ? "oui" : "non");
                                model.put("consentementSms", contact.consentSms() ? "oui" : "non");
                                model.put("formulaire", form == null ? "" : form);
                                model.put("erreurs", errors);
                                model.put("modifie", request.queryParam("modifie").orElse(""));
                                return Pages.render(request, status, "compte/mes-informations", model);
                            }));
        }

        private static void identity(InsuredPerson person, Map<String, Object> model) {
            model.put("nomNaissance", person.birthName());
            model.put("nomUsage", person.usageName() == null ? "" : person.usageName());
            model.put("prenoms", person.givenNames());
            model.put("dateNaissance", person.birthDate().french());
            model.put("sexe", person.gender().claim());
            model.put("nir", person.nir().formatted());
        }

        private static Mono<ServerResponse> done(String what) {
            return ServerResponse.seeOther(URI.create(PATH + "?modifie=" + what + "#" + what)).build();
        }

        private static String national(@Nullable String e164) {
            if (e164 == null) {
                return "";
            }
            try {
                return FrenchPhoneNumber.parse(e164).national();
            } catch (InvalidPhoneNumberException e) {
                return "";
            }
        }

        private static @Nullable FrenchPhoneNumber phone(String raw, boolean mobile, Map<String, String> errors) {
            if (raw.isBlank()) {
                return null;
            }
            try {
                return mobile ? FrenchPhoneNumber.parseMobile(raw) : FrenchPhoneNumber.parseLandline(raw);
            } catch (InvalidPhoneNumberException e) {
                errors.put(mobile ? "mobile" : "fixe", mobile ? "inscription.mobile.invalide" : "inscription.fixe.invalide");
                return null;
            }
        }

        private static @Nullable Boolean yesNo(@Nullable String raw) {
            return "oui".equals(raw) ? Boolean.TRUE : "non".equals(raw) ? Boolean.FALSE : null;
        }

        private static String canonical(@Nullable String raw) {
            try {
                return EmailAddress.parse(raw).canonical();
            } catch (InvalidEmailException e) {
                return "";
            }
        }

        private static String value(MultiValueMap<String, String> form, String name) {
            String v = form.getFirst(name);
            return v == null ? "" : v;
        }
    }
}
