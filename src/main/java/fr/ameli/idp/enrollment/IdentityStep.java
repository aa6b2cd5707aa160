package fr.ameli.idp.enrollment;

import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.registry.BirthDate;
import fr.ameli.idp.registry.InvalidBirthDateException;
import fr.ameli.idp.registry.InvalidNirException;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * « Je crée mon compte » (SPEC 3.2.1–3.2.2): name, NIR, birth date, postal code. A mismatch gets one
 * generic message (it must not tell which field is wrong, nor whether the NIR exists); too many lock
 * the attempt. A match is then checked for eligibility, with the reason shown when excluded.
 */
@Component
class IdentityStep implements StepHandler {

    private final Registry registry;
    private final Accounts accounts;
    private final Clock clock;
    private final EnrollmentProperties properties;

    IdentityStep(Registry registry, Accounts accounts, Clock clock, EnrollmentProperties properties) {
        this.registry = registry;
        this.accounts = accounts;
        this.clock = clock;
        this.properties = properties;
    }

    @Override
    public EnrollmentStep step() {
        return EnrollmentStep.IDENTITY;
    }

    @Override
    public Mono<StepOutcome> submit(Enrollment enrollment, Map<String, String> form) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = form.getOrDefault("nom", "").trim();
        String postal = form.getOrDefault("codePostal", "").trim();
        if (name.isEmpty()) {
            errors.put("nom", "inscription.nom.obligatoire");
        }
        Nir nir = null;
        try {
            nir = Nir.parse(form.get("nir"));
        } catch (InvalidNirException e) {
            errors.put("nir", e.reason() == InvalidNirException.Reason.EMPTY ? "inscription.nir.obligatoire"
                    : "inscription.nir.invalide");
        }
        BirthDate birthDate = null;
        try {
            birthDate = BirthDate.parseFrench(form.get("dateNaissance"), LocalDate.now(clock));
        } catch (InvalidBirthDateException e) {
            errors.put("dateNaissance", e.reason() == InvalidBirthDateException.Reason.EMPTY
                    ? "inscription.date.obligatoire" : "inscription.date.invalide");
        }
        if (!postal.matches("[0-9]{5}")) {
            errors.put("codePostal", postal.isEmpty() ? "inscription.cp.obligatoire" : "inscription.cp.invalide");
        }
        Map<String, Object> typed = Map.of("nom", name, "dateNaissance", form.getOrDefault("dateNaissance", ""),
                "codePostal", postal);
        if (!errors.isEmpty()) {
            return Mono.just(new StepOutcome.Invalid(errors, typed));
        }
        Nir typedNir = nir;
        BirthDate typedDate = birthDate;
        return registry.findByNir(typedNir)
                .filter(person -> IdentityMatch.matches(person, name, typedDate, postal))
                .flatMap(person -> accounts.findByNir(typedNir).hasElement()
                        .map(exists -> EligibilityCheck.carteVitalePath(person, exists)
                                .<StepOutcome>map(why -> new StepOutcome.Failed(
                                        enrollment.withIdentity(typedNir, clock.instant()).withFailure(why)))
                                .orElseGet(() -> new StepOutcome.Advanced(enrollment.withIdentity(typedNir, clock.instant())))))
                .switchIfEmpty(Mono.fromSupplier(() -> mismatch(enrollment, typed)));
    }

    private StepOutcome mismatch(Enrollment enrollment, Map<String, Object> typed) {
        int attempts = enrollment.identityAttempts() + 1;
        if (attempts >= properties.maxIdentityAttempts()) {
            return new StepOutcome.Failed(enrollment.withIdentityAttempts(attempts).withFailure(EnrollmentFailure.LOCKED));
        }
        return new StepOutcome.Invalid(Map.of("_global", "inscription.identite.inconnue"), typed,
                enrollment.withIdentityAttempts(attempts));
    }
}
