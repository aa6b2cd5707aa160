package fr.ameli.idp.enrollment;

import fr.ameli.idp.platform.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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

    public Mono<Started> start(Enrollment.Channel channel, Enrollment.Path path, @Nullable String pendingAuthorizationId) {
        return Mono.defer(() -> {
            String handle = Secrets.newHandle();
            Instant now = clock.instant();
            Enrollment e = new Enrollment(Secrets.sha256(handle), channel, path, null, null, 0, 0, null, null, null, null,
                    null, null, null, null, pendingAuthorizationId, now, now.plus(properties.ttl()), 0);
            return store.insert(e).thenReturn(new Started(handle, e));
        });
    }

    /** Starts an attempt whose identity (and proof) a federated provider already established. */
    public Mono<Started> startFederated(Enrollment.Channel channel, fr.ameli.idp.registry.Nir nir, String sub,
            @Nullable String pendingAuthorizationId) {
        return Mono.defer(() -> {
            String handle = Secrets.newHandle();
            Instant now = clock.instant();
            Enrollment e = new Enrollment(Secrets.sha256(handle), channel, Enrollment.Path.FEDERATION, null, null, 0, 0, null,
                    null, null, null, null, null, null, null, pendingAuthorizationId, now, now.plus(properties.ttl()), 0)
                    .withFederatedIdentity(nir, sub, now);
            return store.insert(e).thenReturn(new Started(handle, e));
        });
    }

    /**
     * Whether a person the federated provider vouched for, and who has no account here, may create one
     * (the exclusions of the federated path: scheme, NIR, an account elsewhere); the reason when not.
     */
    public java.util.Optional<EnrollmentFailure> federatedEligibility(fr.ameli.idp.registry.InsuredPerson person) {
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

    /**
     * Starts an attempt on the provisional-code path (SPEC 3.4): the person logged in with a code given at a CPAM
     * counter, which stands for identity and proof; the attempt goes on at the CGU.
     */
    public Mono<Started> startProvisional(Enrollment.Channel channel, fr.ameli.idp.registry.Nir nir,
            @Nullable String pendingAuthorizationId) {
        return Mono.defer(() -> {
            String handle = Secrets.newHandle();
            Instant now = clock.instant();
            Enrollment e = new Enrollment(Secrets.sha256(handle), channel, Enrollment.Path.PROVISIONAL_CODE, null, null, 0, 0,
                    null, null, null, null, null, null, null, null, pendingAuthorizationId, now, now.plus(properties.ttl()), 0)
                    .withProvisionalCode(nir, now);
            return store.insert(e).thenReturn(new Started(handle, e));
        });
    }

    private Mono<Result> apply(Enrollment current, StepOutcome outcome) {
        if (outcome instanceof StepOutcome.Invalid invalid) {
            Mono<Boolean> counted = invalid.counted() == null ? Mono.just(true) : store.save(invalid.counted(), clock.instant());
            return counted.map(saved -> new Result.Rejected(invalid.counted() == null ? current : invalid.counted(),
                    invalid.errors(), invalid.model()));
        }
        Enrollment next = outcome instanceof StepOutcome.Advanced a ? a.enrollment() : ((StepOutcome.Failed) outcome).enrollment();
        Mono<Void> effect = outcome instanceof StepOutcome.Advanced a ? a.effect() : Mono.empty();
        return effect
                .then(store.save(next, clock.instant()))
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
