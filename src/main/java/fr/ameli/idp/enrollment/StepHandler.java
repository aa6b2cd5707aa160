package fr.ameli.idp.enrollment;

import java.util.Map;
import reactor.core.publisher.Mono;

/** One step: what it shows, and what it does with what the person submits. No HTTP, no persistence. */
interface StepHandler {

    EnrollmentStep step();

    /** Values the page (or the app) needs to show the step, e.g. the masked IBAN. */
    default Mono<Map<String, Object>> model(Enrollment enrollment) {
        return Mono.just(Map.of());
    }

    Mono<StepOutcome> submit(Enrollment enrollment, Map<String, String> form);
}
