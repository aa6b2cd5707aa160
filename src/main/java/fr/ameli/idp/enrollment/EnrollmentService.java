package fr.ameli.idp.enrollment;

import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.registry.InsuredPerson;
import fr.ameli.idp.registry.Nir;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The dispatcher of STYLE §4, shared by the web pages and the app API: load the attempt, refuse a step
 * that is not the current one, call the step's handler, save with the version check (and the step's
 * effect) in one transaction. The registry and password hashing run before the transaction opens.
 */
@Component
public class EnrollmentService {

    /** What happened to a submission; the channel (web, API) turns it into a page, a redirect or JSON. */
    public sealed interface Result {
        Enrollment enrollment();

        /** Saved; {@code enrollment().step()} is where the person is now. */
        record Moved(Enrollment enrollment) implements Result {
        }

        /** The submission was wrong: nothing moved. */
        record Rejected(Enrollment enrollment, Map<String, String> errors, Map<String, Object> model) implements Result {
        }

        /** The posted step is not the current one (skipped, replayed, second tab): go to the current one. */
        record OutOfStep(Enrollment enrollment) implements Result {
        }

        /** Too many submissions of this step for the NIR or from the client address: nothing was checked. */
        record Limited(Enrollment enrollment, Duration retryAfter) implements Result {
        }
    }

    /** A new attempt and the handle (cookie or API id) that refers to it; only the handle's hash is stored. */
    public record Started(String handle, Enrollment enrollment) {
    }

    private final EnrollmentStore store;
    private final Map<EnrollmentStep, StepHandler> handlers = new EnumMap<>(EnrollmentStep.class);
    private final TransactionalOperator tx;
    private final Clock clock;
    private final EnrollmentProperties properties;
    private final EnrollmentLimits limits;

    EnrollmentService(EnrollmentStore store, List<StepHandler> handlers, TransactionalOperator tx, Clock clock,
            EnrollmentProperties properties, EnrollmentLimits limits) {
        this.store = store;
        handlers.forEach(h -> this.handlers.put(h.step(), h));
        this.tx = tx;
        this.clock = clock;
        this.properties = properties;
        this.limits = limits;
    }

    /** Starts an attempt on the carte Vitale path (identity form, then IBAN and carte Vitale digits). */
    public Mono<Started> startCarteVitale(Enrollment.Channel channel, @Nullable String pendingAuthorizationId) {
        return begin((idHash, now) -> Enrollment.carteVitale(idHash, channel, pendingAuthorizationId, now,
                properties.ttl()));
    }

    /** Starts an attempt whose identity (and proof) a federated provider already established. */
    public Mono<Started> startFederated(Enrollment.Channel channel, Nir nir, String sub,
            @Nullable String pendingAuthorizationId) {
        return begin((idHash, now) -> Enrollment.federated(idHash, channel, nir, sub, pendingAuthorizationId, now,
                properties.ttl()));
    }

    /**
     * Starts an attempt on the provisional-code path (SPEC 3.4): the person logged in with a code given at a CPAM
     * counter, which stands for identity and proof; the attempt goes on at the CGU.
     */
    public Mono<Started> startProvisional(Enrollment.Channel channel, Nir nir, @Nullable String pendingAuthorizationId) {
        return begin((idHash, now) -> Enrollment.provisionalCode(idHash, channel, nir, pendingAuthorizationId, now,
                properties.ttl()));
    }

    /** Stores a new attempt under a fresh handle; only the handle's hash is stored. */
    private Mono<Started> begin(BiFunction<byte[], Instant, Enrollment> attempt) {
        return Mono.defer(() -> {
            String handle = Secrets.newHandle();
            Enrollment e = attempt.apply(Secrets.sha256(handle), clock.instant());
            return store.insert(e).thenReturn(new Started(handle, e));
        });
    }

    /**
     * Whether a person the federated provider vouched for, and who has no account here, may create one
     * (the exclusions of the federated path: scheme, NIR, an account elsewhere); the reason when not.
     */
    public Optional<EnrollmentFailure> federatedEligibility(InsuredPerson person) {
        return EligibilityCheck.federatedPath(person, false);
    }

    /** The live attempt behind a handle, or empty (unknown or expired). */
    public Mono<Enrollment> find(String handle) {
        return store.find(Secrets.sha256(handle), clock.instant());
    }

    /** What a step shows; empty model when the step has nothing to show. */
    public Mono<Map<String, Object>> model(Enrollment enrollment) {
        StepHandler handler = handlers.get(enrollment.step());
        return handler == null ? Mono.just(Map.of()) : handler.model(enrollment).defaultIfEmpty(Map.of());
    }

    /**
     * Submits a step from {@code clientAddress} ({@link fr.ameli.idp.web.ClientAddress}): the steps that test what
     * a person knows are counted first ({@link EnrollmentLimits}), and refused beyond their limits.
     */
    public Mono<Result> submit(String handle, EnrollmentStep posted, Map<String, String> form, String clientAddress) {
        return find(handle).flatMap(current -> {
            if (current.step() != posted || !handlers.containsKey(posted)) {
                return Mono.just(new Result.OutOfStep(current));
            }
            return limits.refusal(current, posted, form, clientAddress)
                    .<Result>map(refused -> new Result.Limited(current, refused.retryAfter(clock.instant())))
                    .switchIfEmpty(Mono.defer(() -> handlers.get(posted).submit(current, form)
                            .flatMap(outcome -> apply(current, outcome))));
        });
    }

    private Mono<Result> apply(Enrollment current, StepOutcome outcome) {
        return switch (outcome) {
            case StepOutcome.Invalid invalid -> {
                Enrollment counted = invalid.counted();
                Mono<Boolean> saved = counted == null ? Mono.just(true) : store.save(counted, clock.instant());
                yield saved.map(done -> new Result.Rejected(counted == null ? current : counted, invalid.errors(),
                        invalid.model()));
            }
            case StepOutcome.Advanced advanced -> save(current, advanced.enrollment(), advanced.effect());
            case StepOutcome.Failed failed -> save(current, failed.enrollment(), Mono.empty());
        };
    }

    /** Saves {@code next} with the version check, together with the step's {@code effect}, in one transaction. */
    private Mono<Result> save(Enrollment current, Enrollment next, Mono<Void> effect) {
        return effect
                .then(Mono.defer(() -> store.save(next, clock.instant())))
                .flatMap(saved -> saved ? Mono.just(next) : Mono.error(new ConcurrentSubmission()))
                .as(tx::transactional)
                .<Result>map(Result.Moved::new)
                .onErrorResume(StepOutcome.Rejected.class,
                        rejected -> Mono.just(new Result.Rejected(current, rejected.errors(), Map.of())))
                .onErrorResume(ConcurrentSubmission.class,
                        conflict -> find(current).map(Result.OutOfStep::new));
    }

    private Mono<Enrollment> find(Enrollment e) {
        return store.find(e.idHash(), clock.instant());
    }

    /** Another request saved this attempt first (double submit, second tab, second replica). */
    private static final class ConcurrentSubmission extends RuntimeException {
        ConcurrentSubmission() {
            super("enrollment changed concurrently", null, false, false);
        }
    }
}
