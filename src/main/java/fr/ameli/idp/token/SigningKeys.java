package fr.ameli.idp.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import fr.ameli.idp.platform.BackgroundJob;
import fr.ameli.idp.platform.BackgroundJobs;
import fr.ameli.idp.token.SigningKeyRepository.KeyRow;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The OP's signing keys, one ES256 (P-256) and one RS256 (RSA 2048) at a time, shared by every instance
 * through the {@code signing_key} table and held in memory: signing and the JWKS never touch the database.
 *
 * <p>Life of a key (see {@link RotationPlan}): created {@code publishAhead} before it signs, so that relying
 * parties caching the JWKS learn it first; signs for {@code rotationPeriod}; stays published
 * {@code retainAfterRetire} after the next key takes over, so every token it signed still verifies.
 *
 * <p>Maintenance runs at start-up (blocking, on the main thread, before the web server accepts requests),
 * then every {@code refreshInterval} as a {@link BackgroundJob}: reload the table (keys created by another instance appear), and when
 * something is due, generate keys on {@code boundedElastic} (RSA generation is slow), then write inside one
 * transaction holding a PostgreSQL advisory lock, deciding again on rows read under that lock. So two
 * instances never both create a key for the same algorithm and period: the second finds the first's key.
 */
@Component
public class SigningKeys implements SmartInitializingSingleton, BackgroundJob {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

    private static final byte[] PROBE = "signing-key-probe".getBytes(StandardCharsets.US_ASCII);

    private final SigningKeyRepository repository;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final KeyProperties properties;
    private final KeyEncryption encryption;
    private final SecureRandom signingRandom;
    private final AtomicLong reads = new AtomicLong();
    private final AtomicReference<KeyRing> ring = new AtomicReference<>(KeyRing.EMPTY);

    SigningKeys(DatabaseClient db, TransactionalOperator tx, Clock clock, KeyProperties properties) {
        this.repository = new SigningKeyRepository(db);
        this.tx = tx;
        this.clock = clock;
        this.properties = properties;
        this.encryption = KeyEncryption.fromBase64(properties.encryptionKey());
        this.signingRandom = seededRandom();
    }

    /** Loads (or creates) the keys before the web server starts; {@link BackgroundJobs} then runs the maintenance. */
    @Override
    public void afterSingletonsInstantiated() {
        maintain().block();
        for (JWSAlgorithm alg : RotationPlan.ALGORITHMS) {
            log.info("Signing key {} signs {}", active(alg).kid(), alg);
        }
    }

    @Override
    public String name() {
        return "signing-keys";
    }

    @Override
    public Duration interval() {
        return properties.refreshInterval();
    }

    /**
     * One maintenance round. When it fails the keys loaded before stay in use; a round cancelled at shutdown rolls
     * its transaction back, and the next instance to run redoes it.
     */
    @Override
    public Mono<Void> run() {
        return maintain();
    }

    /** The private key that signs for {@code alg} now. */
    public JWK signingKey(JWSAlgorithm alg) {
        return active(alg).privateJwk();
    }

    /** {@code {"keys":[...]}}: the public keys published now. The array is shared: never modify it. */
    public byte[] jwksJson() {
        return current().json();
    }

    /** The public keys published now: from {@code publish_at} (inclusive) to {@code expire_at} (exclusive). */
    public JWKSet publishedKeys() {
        return current().publishedSet();
    }

    /**
     * Starts a rotation now: for each algorithm, a new key published at once that signs {@code publishAhead}
     * later; none when a key is already waiting to sign, so repeating the call (or calling it on two
     * instances) creates one key per algorithm.
     */
    public Mono<Void> rotate() {
        return maintain(true);
    }

    /** One maintenance round: reload, and create, retire or delete the keys that are due. */
    Mono<Void> maintain() {
        return maintain(false);
    }

    LoadedKey active(JWSAlgorithm alg) {
        LoadedKey key = current().active(alg);
        if (key == null) {
            throw new IllegalStateException("No " + alg + " signing key is active");
        }
        return key;
    }

    @Nullable LoadedKey published(String kid) {
        return current().published(kid);
    }

    private KeyRing current() {
        Instant now = clock.instant();
        KeyRing view = ring.get();
        if (view.validAt(now)) {
            return view;
        }
        KeyRing moved = view.at(now);
        ring.compareAndSet(view, moved); // if a reload came in between, it wins
        return moved;
    }

    private Mono<Void> maintain(boolean force) {
        return Mono.defer(() -> {
            long read = reads.incrementAndGet();
            return repository.findAll().collectList().flatMap(rows -> {
                RotationPlan plan = RotationPlan.decide(schedules(rows), now(), properties, force);
                if (plan.isEmpty()) {
                    return install(read, rows);
                }
                return generate(plan.create().keySet())
                        .flatMap(candidates -> write(candidates, force))
                        .then(reload());
            });
        });
    }

    /**
     * Decides again under the advisory lock, on rows read after it, so concurrent instances do the work once.
     * What was done is logged after the commit.
     */
    private Mono<Void> write(Map<JWSAlgorithm, NewKey> candidates, boolean force) {
        List<String> done = new ArrayList<>();
        Mono<Void> locked = repository.lock()
                .then(repository.findAll().collectList())
                .flatMap(rows -> {
                    RotationPlan plan = RotationPlan.decide(schedules(rows), now(), properties, force);
                    List<Mono<Void>> writes = new ArrayList<>();
                    plan.create().forEach((alg, activateAt) -> {
                        NewKey key = candidates.get(alg);
                        if (key != null) { // otherwise needed since the first decision: next round
                            KeySchedule schedule = new KeySchedule(key.kid(), alg, plan.now(), activateAt, null, null);
                            writes.add(repository.insert(new KeyRow(schedule, key.publicJwk(), key.privateJwkEncrypted()),
                                    plan.now()));
                            done.add("Signing key " + key.kid() + " created for " + alg + ": published " + plan.now()
                                    + ", signs from " + activateAt);
                        }
                    });
                    candidates.keySet().stream().filter(alg -> !plan.create().containsKey(alg)).forEach(alg ->
                            done.add("A new " + alg + " key was no longer needed (another instance made it): discarded"));
                    for (RotationPlan.Retirement r : plan.retire()) {
                        writes.add(repository.retire(r.kid(), r.retireAt(), r.expireAt()));
                        done.add("Signing key " + r.kid() + " retired at " + r.retireAt() + ", published until "
                                + r.expireAt());
                    }
                    for (String kid : plan.delete()) {
                        writes.add(repository.delete(kid));
                        done.add("Signing key " + kid + " expired and deleted");
                    }
                    return Flux.concat(writes).then();
                });
        return locked.as(tx::transactional)
                .then(Mono.fromRunnable(() -> done.forEach(log::info)));
    }

    private Mono<Void> reload() {
        return Mono.defer(() -> {
            long read = reads.incrementAndGet();
            return repository.findAll().collectList().flatMap(rows -> install(read, rows));
        });
    }

    /** Decrypts new keys off the event loop, then installs the view unless a fresher read got there first. */
    private Mono<Void> install(long read, List<KeyRow> rows) {
        return Mono.fromCallable(() -> load(rows))
                .subscribeOn(Schedulers.boundedElastic())
                .doOnNext(keys -> {
                    KeyRing loaded = KeyRing.at(read, keys, clock.instant());
                    ring.accumulateAndGet(loaded, KeyRing::updatedBy);
                })
                .then();
    }

    private List<LoadedKey> load(List<KeyRow> rows) {
        Map<String, LoadedKey> known = ring.get().keys().stream()
                .collect(Collectors.toMap(LoadedKey::kid, Function.identity()));
        List<LoadedKey> keys = new ArrayList<>(rows.size());
        for (KeyRow row : rows) {
            LoadedKey old = known.get(row.schedule().kid());
            keys.add(old != null ? old.withSchedule(row.schedule()) : decrypt(row));
        }
        return keys;
    }

    private LoadedKey decrypt(KeyRow row) {
        KeySchedule schedule = row.schedule();
        String kid = schedule.kid();
        byte[] plaintext = encryption.decrypt(kid, row.privateJwkEncrypted());
        try {
            JWK privateJwk = JWK.parse(new String(plaintext, StandardCharsets.UTF_8));
            JWK publicJwk = JWK.parse(row.publicJwk());
            if (!privateJwk.isPrivate() || publicJwk.isPrivate()
                    || !kid.equals(privateJwk.computeThumbprint().toString())
                    || !kid.equals(publicJwk.computeThumbprint().toString())
                    || !kid.equals(publicJwk.getKeyID())
                    || !schedule.alg().equals(publicJwk.getAlgorithm())) {
                throw new IllegalStateException("Signing key " + kid + ": stored JWKs do not match the row");
            }
            JWSSigner signer = signerOf(privateJwk, signingRandom);
            JWSVerifier verifier = verifier(publicJwk);
            // Also the first use of the provider's classes for this key: done here, off the event loop (each thread then
            // initialises its own Signature once, PerThreadSigner).
            JWSHeader header = new JWSHeader(schedule.alg());
            Base64URL signature = signer.sign(header, PROBE);
            if (!verifier.verify(header, PROBE, signature)) {
                throw new IllegalStateException("Signing key " + kid + ": the public key does not verify the private one");
            }
            return new LoadedKey(schedule, publicJwk, privateJwk, signer, verifier);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("Signing key " + kid + " cannot be read", e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * The key's signer. The checks Nimbus's own signers made are made here: ES256 needs a P-256 key, RS256 a key of
     * 2048 bits at least.
     */
    static JWSSigner signerOf(JWK privateJwk, SecureRandom signingRandom) throws JOSEException {
        return switch (privateJwk) {
            case ECKey ec when Curve.P_256.equals(ec.getCurve()) -> new PerThreadSigner(JWSAlgorithm.ES256,
                    SignatureProvider.ownKey(ec.toECPrivateKey()), SignatureProvider.forSigning(), signingRandom);
            case RSAKey rsa when rsa.size() >= 2048 -> new PerThreadSigner(JWSAlgorithm.RS256,
                    SignatureProvider.ownKey(rsa.toPrivateKey()), SignatureProvider.forSigning(), signingRandom);
            default -> throw new IllegalStateException("Unsupported signing key: " + privateJwk.getKeyType()
                    + " (ES256 needs P-256, RS256 at least 2048 bits)");
        };
    }

    private static JWSVerifier verifier(JWK publicJwk) throws JOSEException {
        return switch (publicJwk) {
            case ECKey ec -> new ECDSAVerifier(ec);
            case RSAKey rsa -> new RSASSAVerifier(rsa);
            default -> throw new IllegalStateException("Unsupported signing key type " + publicJwk.getKeyType());
        };
    }

    /** A generated key, already encrypted, waiting to be inserted if still needed under the lock. */
    private record NewKey(String kid, JWSAlgorithm alg, String publicJwk, byte[] privateJwkEncrypted) {
    }

    /**
     * CPU-heavy (RSA especially) and drawing on the system's entropy (key and IV): on
     * {@code boundedElastic}, outside any transaction.
     */
    private Mono<Map<JWSAlgorithm, NewKey>> generate(Set<JWSAlgorithm> algs) {
        return Mono.fromCallable(() -> {
            Map<JWSAlgorithm, NewKey> keys = new HashMap<>();
            for (JWSAlgorithm alg : algs) {
                JWK key = generate(alg);
                byte[] plaintext = key.toJSONString().getBytes(StandardCharsets.UTF_8);
                try {
                    keys.put(alg, new NewKey(key.getKeyID(), alg, key.toPublicJWK().toJSONString(),
                            encryption.encrypt(key.getKeyID(), plaintext)));
                } finally {
                    Arrays.fill(plaintext, (byte) 0);
                }
            }
            return keys;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private static JWK generate(JWSAlgorithm alg) throws JOSEException {
        if (JWSAlgorithm.ES256.equals(alg)) {
            return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(alg)
                    .keyIDFromThumbprint(true).generate();
        }
        if (JWSAlgorithm.RS256.equals(alg)) {
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(alg)
                    .keyIDFromThumbprint(true).generate();
        }
        throw new IllegalArgumentException("Unsupported signing algorithm " + alg);
    }

    private static List<KeySchedule> schedules(List<KeyRow> rows) {
        return rows.stream().map(KeyRow::schedule).toList();
    }

    /** PostgreSQL keeps microseconds: compare and store times at that precision. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * A DRBG (NIST SP 800-90A Hash_DRBG) seeded here, at construction, on the main thread: the JDK reseeds it
     * only after 2^31 requests, so ECDSA signatures on an event loop do not read {@code /dev/urandom}.
     */
    private static SecureRandom seededRandom() {
        try {
            SecureRandom random = SecureRandom.getInstance("DRBG");
            random.nextBytes(new byte[32]);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("No DRBG SecureRandom in this JVM", e);
        }
    }
}
