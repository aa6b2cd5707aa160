package fr.ameli.idp.account;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Argon2id hashing ({@link Argon2idEncoder}, the format of Spring Security's encoder; parameters of its 5.8 defaults:
 * 16 MiB, 2 passes) off the event loop, on the bounded {@code hashingScheduler}. Also used for one-time codes, which
 * are stored hashed like passwords.
 */
@Component
public class PasswordHasher {

    /** Compared against when an account is unknown, so that timing does not reveal which NIRs have one. */
    private final String decoy;

    private final PasswordEncoder encoder = new Argon2idEncoder(new Argon2idEncoder.Parameters(16 * 1024, 2, 1));
    private final Scheduler scheduler;

    PasswordHasher(@Qualifier("hashingScheduler") Scheduler scheduler) {
        this.scheduler = scheduler;
        this.decoy = encoder.encode("decoy-password-for-constant-time");
    }

    public Mono<String> hash(CharSequence secret) {
        return Mono.fromCallable(() -> encoder.encode(secret)).subscribeOn(scheduler);
    }

    public Mono<Boolean> matches(CharSequence secret, @org.jspecify.annotations.Nullable String hash) {
        return Mono.fromCallable(() -> encoder.matches(secret, hash == null ? decoy : hash) && hash != null)
                .subscribeOn(scheduler);
    }
}
