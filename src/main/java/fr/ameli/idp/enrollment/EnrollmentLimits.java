package fr.ameli.idp.enrollment;

import fr.ameli.idp.ratelimit.LimitProperties;
import fr.ameli.idp.ratelimit.RateLimiter;
import fr.ameli.idp.registry.InvalidNirException;
import fr.ameli.idp.registry.Nir;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The limits of the steps that test what a person knows (README « Security »): each identity submission tests a
 * name, birth date and postal code against the registry and may reveal eligibility facts; each proof submission
 * tests IBAN and carte Vitale digits. Both are counted per NIR across attempts (a new attempt, a new cookie or the
 * app API does not start afresh) and per client address, in PostgreSQL, before the step runs: a refused
 * submission reaches neither the registry nor the attempt. The per-attempt counters of the steps stay as they are.
 *
 * <p>An identity submission whose NIR does not parse is counted per address only: it never reaches the registry.
 */
@Component
class EnrollmentLimits {

    private static final Logger log = LoggerFactory.getLogger(EnrollmentLimits.class);

    private final RateLimiter limiter;
    private final LimitProperties.Enrollment limits;

    EnrollmentLimits(RateLimiter limiter, LimitProperties limits) {
        this.limiter = limiter;
        this.limits = limits.enrollment();
    }

    /** Counts a submission of {@code step}; emits the permit when it was counted and refused, empty otherwise. */
    Mono<RateLimiter.Permit> refusal(Enrollment enrollment, EnrollmentStep step, Map<String, String> form,
            String clientAddress) {
        List<RateLimiter.Counter> counters = new ArrayList<>();
        switch (step) {
            case IDENTITY -> {
                counters.add(new RateLimiter.Counter("enrollment-identity-address", clientAddress,
                        limits.identityPerAddress()));
                nir(form.get("nir")).ifPresent(nir -> counters.add(
                        new RateLimiter.Counter("enrollment-identity-nir", nir.value(), limits.identityPerNir())));
            }
            case PROOF -> {
                Nir nir = enrollment.nir();
                // « Je ne dispose pas du numéro de série » tests nothing.
                if (nir != null && !"sans-numero".equals(form.get("action"))) {
                    counters.add(new RateLimiter.Counter("enrollment-proof-address", clientAddress,
                            limits.proofPerAddress()));
                    counters.add(new RateLimiter.Counter("enrollment-proof-nir", nir.value(), limits.proofPerNir()));
                }
            }
            default -> {
            }
        }
        if (counters.isEmpty()) {
            return Mono.empty();
        }
        return limiter.take(counters.toArray(RateLimiter.Counter[]::new))
                .filter(permit -> !permit.allowed())
                .doOnNext(permit -> log.info("Enrollment submission refused: limit {} reached",
                        java.util.Objects.requireNonNull(permit.refusal()).counter().bucket()));
    }

    private static Optional<Nir> nir(@org.jspecify.annotations.Nullable String raw) {
        try {
            return Optional.of(Nir.parse(raw));
        } catch (InvalidNirException e) {
            return Optional.empty();
        }
    }
}
