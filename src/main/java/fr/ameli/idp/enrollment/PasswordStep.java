package fr.ameli.idp.enrollment;

import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.account.PasswordPolicy;
import fr.ameli.idp.account.PasswordViolation;
import fr.ameli.idp.registry.Registry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The password, typed twice (SPEC 3.2.5): every rule of {@link PasswordPolicy}, including « no part of the
 * NIR or birth date ». Refused passwords come back with each broken rule and the strength indicator
 * (computed here too, so that it works without JavaScript). Accepted ones are hashed (Argon2id, off the event loop).
 */
@Component
class PasswordStep implements StepHandler {

    private final Registry registry;
    private final PasswordHasher hasher;

    PasswordStep(Registry registry, PasswordHasher hasher) {
        this.registry = registry;
        this.hasher = hasher;
    }

    @Override
    public EnrollmentStep step() {
        return EnrollmentStep.PASSWORD;
    }

    @Override
    public Mono<StepOutcome> submit(Enrollment enrollment, Map<String, String> form) {
        String password = form.getOrDefault("motDePasse", "");
        String confirmation = form.getOrDefault("confirmation", "");
        return registry.findByNir(enrollment.nir()).flatMap(person -> {
            List<PasswordViolation> violations = PasswordPolicy.check(password, confirmation, person.nir(), person.birthDate());
            if (!violations.isEmpty()) {
                return Mono.just(new StepOutcome.Invalid(
                        Map.of("motDePasse", key(violations.get(0))),
                        Map.of("violations", violations.stream().map(PasswordStep::key).toList(),
                                "force", PasswordPolicy.strength(password).name().toLowerCase(Locale.ROOT))));
            }
            return hasher.hash(password).map(hash -> new StepOutcome.Advanced(enrollment.withPassword(hash)));
        });
    }

    static String key(PasswordViolation violation) {
        return "mdp." + violation.name().toLowerCase(Locale.ROOT);
    }
}
