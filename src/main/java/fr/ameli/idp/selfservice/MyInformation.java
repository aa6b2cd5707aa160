package fr.ameli.idp.selfservice;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.ContactForm;
import fr.ameli.idp.account.EmailAddress;
import fr.ameli.idp.account.FrenchPhoneNumber;
import fr.ameli.idp.account.InvalidPhoneNumberException;
import fr.ameli.idp.account.PasswordChanges;
import fr.ameli.idp.registry.InsuredPerson;
import fr.ameli.idp.registry.Registry;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The rules of « Mes informations » (SPEC 3.6), one method per form: each reads the fields the way account creation
 * does ({@link ContactForm}, {@link PasswordChanges}), changes the account, and says whether it did. No HTTP here:
 * {@link MyInformationRoutes} only turns the outcome into the page or the redirect.
 */
@Component
class MyInformation {

    /** What a form did. */
    sealed interface Outcome {
        record Changed() implements Outcome {
        }

        /** Nothing changed: message keys per field, and what the page shows again (typed values, broken rules). */
        record Invalid(Map<String, String> errors, Map<String, Object> typed) implements Outcome {
        }

        /** Too many wrong current passwords for this account lately: nothing checked, nothing changed. */
        record TooManyTries(Map<String, String> errors, Map<String, Object> typed, Duration retryAfter) implements Outcome {
        }
    }

    private final Accounts accounts;
    private final Registry registry;
    private final EmailChange emailChange;
    private final PasswordChanges passwords;
    private final CurrentPassword currentPassword;

    MyInformation(Accounts accounts, Registry registry, EmailChange emailChange, PasswordChanges passwords,
            CurrentPassword currentPassword) {
        this.accounts = accounts;
        this.registry = registry;
        this.emailChange = emailChange;
        this.passwords = passwords;
        this.currentPassword = currentPassword;
    }

    /**
     * A new address, typed twice, unused by other accounts, and the current password: a confirmation link goes to the
     * new address and the current one is told at once (see {@link EmailChange}).
     */
    Mono<Outcome> changeEmail(Account account, String email, String confirmation, String current, String clientAddress) {
        Map<String, String> errors = new LinkedHashMap<>();
        EmailAddress next = ContactForm.email(email, confirmation, errors);
        if (errors.isEmpty() && next != null && account.email() != null && next.equals(EmailAddress.parse(account.email()))) {
            errors.put("email", "compte.email.identique");
        }
        Map<String, Object> typed = Map.of("email", email, "emailConfirmation", confirmation);
        if (!errors.isEmpty() || next == null) {
            return Mono.just(new Outcome.Invalid(errors, typed));
        }
        return reauthenticated(account, current, clientAddress, "codeActuel", typed, () -> accounts.emailAvailable(next)
                .flatMap(available -> available
                        ? emailChange.request(account, next).thenReturn(changed())
                        : Mono.just(new Outcome.Invalid(Map.of("email", "inscription.email.deja_utilise"), typed))));
    }

    Mono<Outcome> changePhones(Account account, String mobile, String landline) {
        Map<String, String> errors = new LinkedHashMap<>();
        FrenchPhoneNumber newMobile = ContactForm.mobile(mobile, errors);
        FrenchPhoneNumber newLandline = ContactForm.landline(landline, errors);
        if (!errors.isEmpty()) {
            return Mono.just(new Outcome.Invalid(errors, Map.of("mobile", mobile, "fixe", landline)));
        }
        return accounts.updatePhones(account.id(), newMobile, newLandline).thenReturn(changed());
    }

    /** The three consents must each be answered. */
    Mono<Outcome> changeConsents(Account account, @Nullable String email, @Nullable String phone, @Nullable String sms) {
        Boolean byEmail = ContactForm.yesNo(email);
        Boolean byPhone = ContactForm.yesNo(phone);
        Boolean bySms = ContactForm.yesNo(sms);
        if (byEmail == null || byPhone == null || bySms == null) {
            return Mono.just(new Outcome.Invalid(Map.of("consentements", "inscription.consentement.obligatoire"), Map.of()));
        }
        return accounts.updateConsents(account.id(), byEmail, byPhone, bySms).thenReturn(changed());
    }

    /**
     * The current password, then a new one under the policy of account creation, stored by {@link PasswordChanges}:
     * the session {@code keepSession} stays open, every other one ends.
     */
    Mono<Outcome> changePassword(Account account, String current, String password, String confirmation,
            byte[] keepSession, String clientAddress) {
        return reauthenticated(account, current, clientAddress, "actuel", Map.of(), () -> passwords.check(account.nir(), password,
                confirmation).flatMap(verdict -> switch (verdict) {
                    case PasswordChanges.Verdict.Refused refused ->
                            Mono.just(new Outcome.Invalid(Map.of(), Map.of("violations", refused.messageKeys())));
                    case PasswordChanges.Verdict.Accepted accepted ->
                            passwords.change(account.id(), accepted.hash(), keepSession).thenReturn(changed());
                }));
    }

    /** Runs {@code then} once the current password (typed in {@code field}) is right; otherwise says why not. */
    private Mono<Outcome> reauthenticated(Account account, String current, String clientAddress, String field,
            Map<String, Object> typed, Supplier<Mono<Outcome>> then) {
        return currentPassword.check(account, current, clientAddress).flatMap(checked -> switch (checked.outcome()) {
            case RIGHT -> then.get();
            case WRONG -> Mono.just(new Outcome.Invalid(Map.of(field, "compte.mdp.actuel_incorrect"), typed));
            case LIMITED -> Mono.just(new Outcome.TooManyTries(Map.of(field, "compte.mdp.actuel_trop_essais"), typed,
                    checked.retryAfter()));
        });
    }

    /** What the page shows: identity (read-only, from the registry), address (and the one waiting), phones, consents. */
    Mono<Map<String, Object>> model(Account account) {
        return registry.findByNir(account.nir())
                .zipWith(accounts.contactDetails(account.id()))
                .flatMap(found -> emailChange.pending(account).map(EmailAddress::parse).map(EmailAddress::masked)
                        .defaultIfEmpty("")
                        .map(pending -> {
                            Map<String, Object> model = new HashMap<>();
                            identity(found.getT1(), model);
                            Accounts.ContactDetails contact = found.getT2();
                            model.put("emailActuel", account.email() == null ? "" : account.email());
                            model.put("emailEnAttente", pending);
                            model.put("mobile", national(contact.mobile()));
                            model.put("fixe", national(contact.landline()));
                            model.put("consentementEmail", contact.consentEmail() ? "oui" : "non");
                            model.put("consentementTelephone", contact.consentPhone() ? "oui" : "non");
                            model.put("consentementSms", contact.consentSms() ? "oui" : "non");
                            return model;
                        }));
    }

    private static Outcome changed() {
        return new Outcome.Changed();
    }

    private static void identity(InsuredPerson person, Map<String, Object> model) {
        model.put("nomNaissance", person.birthName());
        model.put("nomUsage", person.usageName() == null ? "" : person.usageName());
        model.put("prenoms", person.givenNames());
        model.put("dateNaissance", person.birthDate().french());
        model.put("sexe", person.gender().claim());
        model.put("nir", person.nir().formatted());
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
}
