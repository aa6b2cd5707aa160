package fr.ameli.idp.enrollment;

import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.ContactForm;
import fr.ameli.idp.account.EmailAddress;
import fr.ameli.idp.account.FrenchPhoneNumber;
import fr.ameli.idp.platform.Secrets;
import java.time.Clock;
import java.util.UUID;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Contact details and consents (SPEC 3.2.6), then the account is created PENDING with its confirmation link
 * and mail, all in the transaction that saves the enrollment (nothing half-written if any part fails). The
 * email must be unused by any account; the unique index settles concurrent attempts.
 */
@Component
class ContactStep implements StepHandler {

    private final Accounts accounts;
    private final AccountActivation activation;
    private final Clock clock;

    ContactStep(Accounts accounts, AccountActivation activation, Clock clock) {
        this.accounts = accounts;
        this.activation = activation;
        this.clock = clock;
    }

    @Override
    public EnrollmentStep step() {
        return EnrollmentStep.CONTACT;
    }

    @Override
    public Mono<StepOutcome> submit(Enrollment enrollment, Map<String, String> form) {
        Map<String, String> errors = new LinkedHashMap<>();
        EmailAddress email = ContactForm.email(form.get("email"), form.get("emailConfirmation"), errors);
        FrenchPhoneNumber mobile = ContactForm.mobile(form.get("mobile"), errors);
        FrenchPhoneNumber landline = ContactForm.landline(form.get("fixe"), errors);
        Boolean consentEmail = ContactForm.yesNo(form.get("consentementEmail"));
        if (consentEmail == null) {
            errors.put("consentementEmail", "inscription.consentement.obligatoire");
        }
        Map<String, Object> typed = new HashMap<>();
        form.forEach((k, v) -> {
            if (!k.startsWith("_")) {
                typed.put(k, v);
            }
        });
        if (!errors.isEmpty() || email == null) {
            return Mono.just(new StepOutcome.Invalid(errors, typed));
        }
        Accounts.NewAccount account = new Accounts.NewAccount(enrollment.nir(), enrollment.passwordHash(), email, mobile,
                landline, consentEmail, Boolean.TRUE.equals(ContactForm.yesNo(form.get("consentementTelephone"))),
                Boolean.TRUE.equals(ContactForm.yesNo(form.get("consentementSms"))), enrollment.cguVersion(), clock.instant(),
                enrollment.federationSub());
        EmailAddress address = email;
        return accounts.emailAvailable(address).map(available -> available
                ? advance(enrollment, account, typed)
                : new StepOutcome.Invalid(Map.of("email", "inscription.email.deja_utilise"), typed));
    }

    private StepOutcome advance(Enrollment enrollment, Accounts.NewAccount account, Map<String, Object> typed) {
        UUID id = Secrets.newUuid();
        Mono<Void> effect = accounts.createPending(id, account)
                .onErrorMap(Accounts.ConflictException.class, e -> new StepOutcome.Rejected(
                        e.conflict() == Accounts.Conflict.EMAIL_TAKEN ? Map.of("email", "inscription.email.deja_utilise")
                                : Map.of("_global", "inscription.echec.account_exists")))
                .flatMap(created -> activation.sendLink(created, account.email().normalized(),
                        activation.windows(enrollment.path())));
        return new StepOutcome.Advanced(enrollment.withAccount(id), effect);
    }
}
