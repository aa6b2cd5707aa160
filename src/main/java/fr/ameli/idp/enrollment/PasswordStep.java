package fr.ameli.idp.enrollment;

import fr.ameli.idp.account.PasswordChanges;
import fr.ameli.idp.account.PasswordPolicy;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The password, typed twice (SPEC 3.2.5): every rule of {@link PasswordPolicy}, including « no part of the
 * NIR or birth date ». Refused passwords come back with each broken rule and the strength indicator
 * (computed here too, so that it works without JavaScript). Accepted ones are hashed (Argon2id, off the event loop).
 */
@Component
class PasswordStep implements StepHandler {

    private final PasswordChanges passwords;

    PasswordStep(PasswordChanges passwords) {
        this.passwords = passwords;
    }

    @Override
    public EnrollmentStep step() {
        return EnrollmentStep.PASSWORD;
    }

    @Override
    public Mono<StepOutcome> submit(Enrollment enrollment, Map<String, String> form) {
        return passwords.check(Objects.requireNonNull(enrollment.nir()), form.getOrDefault("motDePasse", ""),
                        form.getOrDefault("confirmation", ""))
                .map(verdict -> switch (verdict) {
                    case PasswordChanges.Verdict.Refused refused -> new StepOutcome.Invalid(
                            Map.of("motDePasse", refused.messageKeys().get(0)),
                            Map.of("violations", refused.messageKeys(), "force", refused.strengthName()));
                    case PasswordChanges.Verdict.Accepted accepted ->
                            new StepOutcome.Advanced(enrollment.withPassword(accepted.hash()));
                });
    }
}
