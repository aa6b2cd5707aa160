package fr.ameli.idp.account;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Argon2id hashing off the event loop, on the bounded {@code hashingScheduler}, at OWASP's minimum: 19 MiB, 2 passes,
 * parallelism 1 (16-byte salt, 32-byte hash), computed by {@link Argon2idEncoder} (the format of Spring Security's
 * encoder). Also used for one-time codes, which are stored hashed like passwords. A hash made with weaker parameters
 * (Spring's 5.8 defaults, 16 MiB, before) still verifies, and {@link #needsRehash} says so: a successful login then
 * stores a new hash ({@code PasswordLogin}).
 */
@Component
public class PasswordHasher {

    private final Argon2idEncoder encoder;
    /** Compared against when an account is unknown, so that timing does not reveal which NIRs have one. */
    private final String decoy;
    private final Scheduler scheduler;

    PasswordHasher(@Qualifier("hashingScheduler") Scheduler scheduler,
            @Value("${idp.security.hashing-threads:2}") int hashingThreads) {
        this.scheduler = scheduler;
        this.encoder = new Argon2idEncoder(Argon2idEncoder.Parameters.OWASP_MINIMUM, hashingThreads);
        this.decoy = encoder.encode("decoy-password-for-constant-time");
    }

    public Mono<String> hash(CharSequence secret) {
        return Mono.fromCallable(() -> encoder.encode(secret)).subscribeOn(scheduler);
    }

    public Mono<Boolean> matches(CharSequence secret, @Nullable String hash) {
        return Mono.fromCallable(() -> encoder.matches(secret, hash == null ? decoy : hash) && hash != null)
                .subscribeOn(scheduler);
    }

    /** True when {@code hash} was made with less memory or fewer passes than today's (decoding only: no hashing). */
    public boolean needsRehash(@Nullable String hash) {
        return hash != null && encoder.upgradeEncoding(hash);
    }
}
