package fr.ameli.idp.enrollment;

import fr.ameli.idp.registry.Nir;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One account-creation attempt, as stored: typed facts established so far. The current step is never
 * set by hand: {@link EnrollmentFlow#next} derives it from the facts. Created by one factory per path
 * ({@link #carteVitale}, {@link #federated}, {@link #provisionalCode}); changed by copy, each {@code with…} naming the
 * fact it establishes and going through the one copy mechanism ({@code with(Consumer<Copy>)}). The canonical
 * constructor is for the row mapper.
 */
public record Enrollment(
        byte[] idHash,
        Channel channel,
        Path path,
        @Nullable Nir nir,
        @Nullable Instant identityVerifiedAt,
        int identityAttempts,
        int proofAttempts,
        @Nullable Instant lockedUntil,
        @Nullable Instant proofVerifiedAt,
        @Nullable String cguVersion,
        @Nullable Instant cguAcceptedAt,
        @Nullable String passwordHash,
        @Nullable UUID accountId,
        @Nullable String federationSub,
        @Nullable EnrollmentFailure failure,
        @Nullable String pendingAuthorizationId,
        Instant createdAt,
        Instant expiresAt,
        long version) {

    public enum Channel { WEB, APP }

    /**
     * How the person proved who they are: carte Vitale + IBAN, the federated provider, or a provisional code
     * given at a CPAM counter (seed 001: the code login stands for identity and proof).
     */
    public enum Path { CARTE_VITALE, FEDERATION, PROVISIONAL_CODE }

    public EnrollmentStep step() {
        return EnrollmentFlow.next(this);
    }

    /** A new attempt on the carte Vitale path: no fact established yet, the identity form comes first. */
    static Enrollment carteVitale(byte[] idHash, Channel channel, @Nullable String pendingAuthorizationId, Instant now,
            Duration ttl) {
        return begin(idHash, channel, Path.CARTE_VITALE, pendingAuthorizationId, now, ttl).build();
    }

    /** A new attempt on the federated path: the provider vouched for this person, which stands for identity and proof. */
    static Enrollment federated(byte[] idHash, Channel channel, Nir verified, String sub,
            @Nullable String pendingAuthorizationId, Instant now, Duration ttl) {
        Copy copy = begin(idHash, channel, Path.FEDERATION, pendingAuthorizationId, now, ttl);
        copy.nir = verified;
        copy.identityVerifiedAt = now;
        copy.proofVerifiedAt = now;
        copy.federationSub = sub;
        return copy.build();
    }

    /** A new attempt on the provisional-code path: logging in with a counter code established identity and proof. */
    static Enrollment provisionalCode(byte[] idHash, Channel channel, Nir verified,
            @Nullable String pendingAuthorizationId, Instant now, Duration ttl) {
        Copy copy = begin(idHash, channel, Path.PROVISIONAL_CODE, pendingAuthorizationId, now, ttl);
        copy.nir = verified;
        copy.identityVerifiedAt = now;
        copy.proofVerifiedAt = now;
        return copy.build();
    }

    private static Copy begin(byte[] idHash, Channel channel, Path path, @Nullable String pendingAuthorizationId,
            Instant now, Duration ttl) {
        return new Copy(idHash, channel, path, pendingAuthorizationId, now, now.plus(ttl));
    }

    /** The identity form matched the registry for {@code verified}. */
    Enrollment withIdentity(Nir verified, Instant at) {
        return with(c -> {
            c.nir = verified;
            c.identityVerifiedAt = at;
        });
    }

    /** The IBAN and carte Vitale digits matched: proof established, the proof counters start afresh. */
    Enrollment withProof(Instant at) {
        return with(c -> {
            c.proofVerifiedAt = at;
            c.proofAttempts = 0;
            c.lockedUntil = null;
        });
    }

    Enrollment withCgu(String version, Instant at) {
        return with(c -> {
            c.cguVersion = version;
            c.cguAcceptedAt = at;
        });
    }

    Enrollment withPassword(String hash) {
        return with(c -> c.passwordHash = hash);
    }

    Enrollment withAccount(UUID account) {
        return with(c -> c.accountId = account);
    }

    Enrollment withFailure(EnrollmentFailure why) {
        return with(c -> c.failure = why);
    }

    Enrollment withIdentityAttempts(int attempts) {
        return with(c -> c.identityAttempts = attempts);
    }

    Enrollment withProofAttempts(int attempts, @Nullable Instant lockedUntil) {
        return with(c -> {
            c.proofAttempts = attempts;
            c.lockedUntil = lockedUntil;
        });
    }

    /** The one copy mechanism: every component carried over, then {@code change} sets the ones that differ. */
    private Enrollment with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** The mutable twin of the record, used only while one copy is made; {@link #build()} checks what a record must hold. */
    private static final class Copy {
        byte @Nullable [] idHash;
        @Nullable Channel channel;
        @Nullable Path path;
        @Nullable Nir nir;
        @Nullable Instant identityVerifiedAt;
        int identityAttempts;
        int proofAttempts;
        @Nullable Instant lockedUntil;
        @Nullable Instant proofVerifiedAt;
        @Nullable String cguVersion;
        @Nullable Instant cguAcceptedAt;
        @Nullable String passwordHash;
        @Nullable UUID accountId;
        @Nullable String federationSub;
        @Nullable EnrollmentFailure failure;
        @Nullable String pendingAuthorizationId;
        @Nullable Instant createdAt;
        @Nullable Instant expiresAt;
        long version;

        /** A new attempt: no fact yet. */
        Copy(byte[] idHash, Channel channel, Path path, @Nullable String pendingAuthorizationId, Instant createdAt,
                Instant expiresAt) {
            this.idHash = idHash;
            this.channel = channel;
            this.path = path;
            this.pendingAuthorizationId = pendingAuthorizationId;
            this.createdAt = createdAt;
            this.expiresAt = expiresAt;
        }

        Copy(Enrollment e) {
            idHash = e.idHash;
            channel = e.channel;
            path = e.path;
            nir = e.nir;
            identityVerifiedAt = e.identityVerifiedAt;
            identityAttempts = e.identityAttempts;
            proofAttempts = e.proofAttempts;
            lockedUntil = e.lockedUntil;
            proofVerifiedAt = e.proofVerifiedAt;
            cguVersion = e.cguVersion;
            cguAcceptedAt = e.cguAcceptedAt;
            passwordHash = e.passwordHash;
            accountId = e.accountId;
            federationSub = e.federationSub;
            failure = e.failure;
            pendingAuthorizationId = e.pendingAuthorizationId;
            createdAt = e.createdAt;
            expiresAt = e.expiresAt;
            version = e.version;
        }

        Enrollment build() {
            return new Enrollment(Objects.requireNonNull(idHash), Objects.requireNonNull(channel),
                    Objects.requireNonNull(path), nir, identityVerifiedAt, identityAttempts, proofAttempts, lockedUntil,
                    proofVerifiedAt, cguVersion, cguAcceptedAt, passwordHash, accountId, federationSub, failure,
                    pendingAuthorizationId, Objects.requireNonNull(createdAt), Objects.requireNonNull(expiresAt), version);
        }
    }

    @Override
    public String toString() {
        return "Enrollment[" + channel + ", " + path + ", step=" + step() + "]";
    }
}
