package fr.ameli.idp.account;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Argon2id hashing off the event loop, on the bounded {@code hashingScheduler}, at OWASP's minimum: 19 MiB, 2 passes,
 * parallelism 1 (16-byte salt, 32-byte hash). Also used for one-time codes, which are stored hashed like passwords.
 * A hash made with weaker parameters (Spring's 5.8 defaults, 16 MiB, before) still verifies, and
 * {@link #needsRehash} says so: a successful login then stores a new hash ({@code PasswordLogin}).
 */
@Component
public class PasswordHasher {

    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    static final int PARALLELISM = 1;
    /** OWASP Password Storage Cheat Sheet, Argon2id minimum: m=19456 KiB (19 MiB), t=2, p=1. */
    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;

    private static final Argon2PasswordEncoder ENCODER =
            new Argon2PasswordEncoder(SALT_BYTES, HASH_BYTES, PARALLELISM, MEMORY_KIB, ITERATIONS);

    /** Compared against when an account is unknown, so that timing does not reveal which NIRs have one. */
    private static final String DECOY = ENCODER.encode("decoy-password-for-constant-time");

    private final Scheduler scheduler;

    PasswordHasher(@Qualifier("hashingScheduler") Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    public Mono<String> hash(CharSequence secret) {
        return Mono.fromCallable(() -> ENCODER.encode(secret)).subscribeOn(scheduler);
    }

    public Mono<Boolean> matches(CharSequence secret, @Nullable String hash) {
        return Mono.fromCallable(() -> ENCODER.matches(secret, hash == null ? DECOY : hash) && hash != null)
                .subscribeOn(scheduler);
    }

    /** True when {@code hash} was made with less memory or fewer passes than today's (decoding only: no hashing). */
    public boolean needsRehash(@Nullable String hash) {
        return hash != null && ENCODER.upgradeEncoding(hash);
    }
}
