package fr.ameli.idp.enrollment;

import fr.ameli.idp.registry.InsuredPerson;
import fr.ameli.idp.registry.Registry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Proof of possession (SPEC 3.2.3): the last 7 characters of the IBAN on file (shown masked) and the last
 * 11 digits of the carte Vitale serial. A wrong answer gets one generic message whichever part was wrong;
 * after {@code maxProofAttempts} the attempt is locked for {@code lockDuration}.
 * « Je ne dispose pas du numéro de série » ends the attempt with the alternatives.
 */
@Component
class ProofStep implements StepHandler {

    private final Registry registry;
    private final Clock clock;
    private final EnrollmentProperties properties;

    ProofStep(Registry registry, Clock clock, EnrollmentProperties properties) {
        this.registry = registry;
        this.clock = clock;
        this.properties = properties;
    }

    @Override
    public EnrollmentStep step() {
        return EnrollmentStep.PROOF;
    }

    @Override
    public Mono<Map<String, Object>> model(Enrollment enrollment) {
        return registry.findByNir(enrollment.nir())
                .map(person -> Map.of("ibanMasque", person.ibans().get(0).masked()));
    }

    @Override
    public Mono<StepOutcome> submit(Enrollment enrollment, Map<String, String> form) {
        if ("sans-numero".equals(form.get("action"))) {
            return Mono.just(new StepOutcome.Failed(enrollment.withFailure(EnrollmentFailure.NO_SERIAL_NUMBER)));
        }
        Instant now = clock.instant();
        if (enrollment.lockedUntil() != null && enrollment.lockedUntil().isAfter(now)) {
            return Mono.just(new StepOutcome.Invalid(Map.of("_global", "inscription.verification.bloquee")));
        }
        String iban = form.getOrDefault("iban7", "").replace(" ", "");
        String serial = form.getOrDefault("carteVitale11", "").replace(" ", "");
        if (iban.isEmpty() || serial.isEmpty()) {
            return Mono.just(new StepOutcome.Invalid(Map.of("_global", "inscription.verification.obligatoire")));
        }
        return registry.findByNir(enrollment.nir()).map(person -> {
            if (matches(person, iban, serial)) {
                return new StepOutcome.Advanced(enrollment.withProof(now));
            }
            int attempts = enrollment.proofAttempts() + 1;
            if (attempts >= properties.maxProofAttempts()) {
                return new StepOutcome.Invalid(Map.of("_global", "inscription.verification.bloquee"), Map.of(),
                        enrollment.withProofAttempts(0, now.plus(properties.lockDuration())));
            }
            return new StepOutcome.Invalid(Map.of("_global", "inscription.verification.incorrecte"), Map.of(),
                    enrollment.withProofAttempts(attempts, null));
        });
    }

    /** Both parts are always compared, in constant time, so that timing tells nothing about which was wrong. */
    private static boolean matches(InsuredPerson person, String iban7, String serial11) {
        boolean ibanOk = iban7.length() == 7 && person.ibans().size() == 1 && person.ibans().get(0).endsWith(iban7);
        String onFile = person.carteVitaleSerial() == null ? "" : person.carteVitaleSerial();
        String expected = onFile.length() >= 11 ? onFile.substring(onFile.length() - 11) : "";
        boolean serialOk = serial11.length() == 11 && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                serial11.getBytes(StandardCharsets.US_ASCII));
        return ibanOk & serialOk;
    }
}
