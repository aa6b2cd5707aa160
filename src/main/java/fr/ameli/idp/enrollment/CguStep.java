package fr.ameli.idp.enrollment;

import java.time.Clock;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** CGU (SPEC 3.2.4): accepting (which ends paper statements) records the version accepted; cancelling ends the attempt. */
@Component
class CguStep implements StepHandler {

    private final Clock clock;
    private final EnrollmentProperties properties;

    CguStep(Clock clock, EnrollmentProperties properties) {
        this.clock = clock;
        this.properties = properties;
    }

    @Override
    public EnrollmentStep step() {
        return EnrollmentStep.CGU;
    }

    @Override
    public Mono<StepOutcome> submit(Enrollment enrollment, Map<String, String> form) {
        String decision = form.getOrDefault("decision", "");
        if ("accepter".equals(decision)) {
            return Mono.just(new StepOutcome.Advanced(enrollment.withCgu(properties.cguVersion(), clock.instant())));
        }
        if ("annuler".equals(decision)) {
            return Mono.just(new StepOutcome.Failed(enrollment.withFailure(EnrollmentFailure.CANCELLED)));
        }
        return Mono.just(new StepOutcome.Invalid(Map.of("_global", "inscription.cgu.choix")));
    }
}
