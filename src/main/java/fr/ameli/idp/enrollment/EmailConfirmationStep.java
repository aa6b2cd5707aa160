package fr.ameli.idp.enrollment;

import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.EmailAddress;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * « Validation de mon email »: the account waits for its link. Resending is an explicit action, never a
 * page refresh (KC IdpEmailVerificationAuthenticator), limited to a few links an hour.
 */
@Component
class EmailConfirmationStep implements StepHandler {

    private final Accounts accounts;
    private final AccountActivation activation;

    EmailConfirmationStep(Accounts accounts, AccountActivation activation) {
        this.accounts = accounts;
        this.activation = activation;
    }

    @Override
    public EnrollmentStep step() {
        return EnrollmentStep.EMAIL_CONFIRMATION;
    }

    @Override
    public Mono<Map<String, Object>> model(Enrollment enrollment) {
        return accounts.findById(enrollment.accountId())
                .map(account -> Map.<String, Object>of("emailMasque", EmailAddress.parse(account.email()).masked(),
                        "active", account.active()));
    }

    @Override
    public Mono<StepOutcome> submit(Enrollment enrollment, Map<String, String> form) {
        if (!"renvoyer".equals(form.get("action"))) {
            return Mono.just(new StepOutcome.Invalid(Map.of()));
        }
        return accounts.findById(enrollment.accountId()).flatMap(account -> {
            if (account.active()) {
                return Mono.just(new StepOutcome.Invalid(Map.of("_global", "inscription.email.deja_active")));
            }
            return activation.tooManyLinks(account.id())
                    .map(tooMany -> tooMany
                            ? new StepOutcome.Invalid(Map.of("_global", "inscription.email.trop_de_renvois"))
                            : new StepOutcome.Advanced(enrollment, activation.sendLink(account.id(), account.email(),
                                    activation.windows(enrollment.path()))));
        });
    }
}
