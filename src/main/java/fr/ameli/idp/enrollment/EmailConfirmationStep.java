package fr.ameli.idp.enrollment;

import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.EmailAddress;
import fr.ameli.idp.account.EmailConfirmations;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * « Validation de mon email »: the account waits for its link. Resending is an explicit action, never a
 * page refresh (KC IdpEmailVerificationAuthenticator), limited to a few links an hour.
 */
@Component
class EmailConfirmationStep implements StepHandler {

    static final int MAX_LINKS_PER_HOUR = 5;

    private final Accounts accounts;
    private final EmailConfirmations confirmations;
    private final AccountActivation activation;
    private final Clock clock;

    EmailConfirmationStep(Accounts accounts, EmailConfirmations confirmations, AccountActivation activation, Clock clock) {
        this.accounts = accounts;
        this.confirmations = confirmations;
        this.activation = activation;
        this.clock = clock;
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
            return confirmations.issuedSince(account.id(), clock.instant().minus(Duration.ofHours(1)))
                    .map(count -> count >= MAX_LINKS_PER_HOUR
                            ? new StepOutcome.Invalid(Map.of("_global", "inscription.email.trop_de_renvois"))
                            : new StepOutcome.Advanced(enrollment, activation.sendLink(account.id(), account.email(),
                                    activation.windows(enrollment.path()))));
        });
    }
}
