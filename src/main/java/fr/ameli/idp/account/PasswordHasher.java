package fr.ameli.idp.account;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Argon2id hashing off the event loop, on a bounded pool of {@code idp.security.hashing-threads} threads (CPU-bound
 * and slow by design; its queue bounds how many logins may wait for a hash), at OWASP's minimum: 19 MiB, 2 passes,
 * parallelism 1 (16-byte salt, 32-byte hash), computed by {@link Argon2idEncoder} (the format of Spring Security's
 * encoder). Also used for one-time codes, which are stored hashed like passwords. A hash made with weaker parameters
 * (Spring's 5.8 defaults, 16 MiB, before) still verifies, and {@link #needsRehash} says so: a successful login then
 * stores a new hash ({@code PasswordLogin}). The C implementation keeps one block of working memory per thread
 * ({@link NativeArgon2}): the pool's size sizes both.
 */
@Component
public class PasswordHasher implements DisposableBean {

    private final Argon2idEncoder encoder;
    /** Compared against when an account is unknown, so that timing does not reveal which NIRs have one. */
    private final String decoy;
    private final Scheduler scheduler;

    PasswordHasher(@Value("${idp.security.hashing-threads:2}") int hashingThreads) {
        this.scheduler = Schedulers.newBoundedElastic(hashingThreads, 10_000, "password-hashing");
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

    @Override
    public void destroy() {
        scheduler.dispose();
    }
}
