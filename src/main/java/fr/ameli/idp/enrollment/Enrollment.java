package fr.ameli.idp.enrollment;

import fr.ameli.idp.registry.Nir;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One account-creation attempt, as stored: typed facts established so far. The current step is never
 * set by hand: {@link EnrollmentFlow#next} derives it from the facts. Changed by copy ({@code with…}).
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

    Enrollment withIdentity(Nir verified, Instant at) {
        return new Enrollment(idHash, channel, path, verified, at, identityAttempts, proofAttempts, lockedUntil,
                proofVerifiedAt, cguVersion, cguAcceptedAt, passwordHash, accountId, federationSub, failure,
                pendingAuthorizationId, createdAt, expiresAt, version);
    }

    Enrollment withProof(Instant at) {
        return new Enrollment(idHash, channel, path, nir, identityVerifiedAt, identityAttempts, proofAttempts, lockedUntil,
                at, cguVersion, cguAcceptedAt, passwordHash, accountId, federationSub, failure, pendingAuthorizationId,
                createdAt, expiresAt, version);
    }

    Enrollment withCgu(String cguVersion, Instant at) {
        return new Enrollment(idHash, channel, path, nir, identityVerifiedAt, identityAttempts, proofAttempts, lockedUntil,
                proofVerifiedAt, cguVersion, at, passwordHash, accountId, federationSub, failure, pendingAuthorizationId,
                createdAt, expiresAt, version);
    }

    Enrollment withPassword(String hash) {
        return new Enrollment(idHash, channel, path, nir, identityVerifiedAt, identityAttempts, proofAttempts, lockedUntil,
                proofVerifiedAt, cguVersion, cguAcceptedAt, hash, accountId, federationSub, failure, pendingAuthorizationId,
                createdAt, expiresAt, version);
    }

    Enrollment withAccount(UUID account) {
        return new Enrollment(idHash, channel, path, nir, identityVerifiedAt, identityAttempts, proofAttempts, lockedUntil,
                proofVerifiedAt, cguVersion, cguAcceptedAt, passwordHash, account, federationSub, failure,
                pendingAuthorizationId, createdAt, expiresAt, version);
    }

    Enrollment withFailure(EnrollmentFailure why) {
        return new Enrollment(idHash, channel, path, nir, identityVerifiedAt, identityAttempts, proofAttempts, lockedUntil,
                proofVerifiedAt, cguVersion, cguAcceptedAt, passwordHash, accountId, federationSub, why,
                pendingAuthorizationId, createdAt, expiresAt, version);
    }

    Enrollment withIdentityAttempts(int attempts) {
        return new Enrollment(idHash, channel, path, nir, identityVerifiedAt, attempts, proofAttempts, lockedUntil,
                proofVerifiedAt, cguVersion, cguAcceptedAt, passwordHash, accountId, federationSub, failure,
                pendingAuthorizationId, createdAt, expiresAt, version);
    }

    Enrollment withProofAttempts(int attempts, @Nullable Instant lockedUntil) {
        return new Enrollment(idHash, channel, path, nir, identityVerifiedAt, identityAttempts, attempts, lockedUntil,
                proofVerifiedAt, cguVersion, cguAcceptedAt, passwordHash, accountId, federationSub, failure,
                pendingAuthorizationId, createdAt, expiresAt, version);
    }

    /** The federated path: the provider vouched for this person, which stands for both identity and proof. */
    Enrollment withFederatedIdentity(Nir verified, String sub, Instant at) {
        return new Enrollment(idHash, channel, path, verified, at, identityAttempts, proofAttempts, lockedUntil, at,
                cguVersion, cguAcceptedAt, passwordHash, accountId, sub, failure, pendingAuthorizationId, createdAt,
                expiresAt, version);
    }

    /** The provisional-code path: logging in with a counter code established both identity and proof. */
    Enrollment withProvisionalCode(Nir verified, Instant at) {
        return new Enrollment(idHash, channel, path, verified, at, identityAttempts, proofAttempts, lockedUntil, at,
                cguVersion, cguAcceptedAt, passwordHash, accountId, federationSub, failure, pendingAuthorizationId, createdAt,
                expiresAt, version);
    }

    @Override
    public String toString() {
        return "Enrollment[" + channel + ", " + path + ", step=" + step() + "]";
    }
}
