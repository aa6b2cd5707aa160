package fr.ameli.idp.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.registry.Nir;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every combination of the facts of an attempt and the step it leads to (STYLE §4 and §7: the transitions are in
 * code and covered by a table). {@code x}: the fact is established; {@code -}: it is not. The identity fact is the
 * NIR together with the time it was verified; the rows where only one of the two is set are below.
 */
class EnrollmentFlowTests {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Nir NIR = Nir.parse("2 85 05 75 112 034 96");

    @ParameterizedTest(name = "failure {0}, identity {1}, proof {2}, cgu {3}, password {4}, account {5} -> {6}")
    @CsvSource({
            "-, -, -, -, -, -, IDENTITY",
            "-, -, -, -, -, x, IDENTITY",
            "-, -, -, -, x, -, IDENTITY",
            "-, -, -, -, x, x, IDENTITY",
            "-, -, -, x, -, -, IDENTITY",
            "-, -, -, x, -, x, IDENTITY",
            "-, -, -, x, x, -, IDENTITY",
            "-, -, -, x, x, x, IDENTITY",
            "-, -, x, -, -, -, IDENTITY",
            "-, -, x, -, -, x, IDENTITY",
            "-, -, x, -, x, -, IDENTITY",
            "-, -, x, -, x, x, IDENTITY",
            "-, -, x, x, -, -, IDENTITY",
            "-, -, x, x, -, x, IDENTITY",
            "-, -, x, x, x, -, IDENTITY",
            "-, -, x, x, x, x, IDENTITY",
            "-, x, -, -, -, -, PROOF",
            "-, x, -, -, -, x, PROOF",
            "-, x, -, -, x, -, PROOF",
            "-, x, -, -, x, x, PROOF",
            "-, x, -, x, -, -, PROOF",
            "-, x, -, x, -, x, PROOF",
            "-, x, -, x, x, -, PROOF",
            "-, x, -, x, x, x, PROOF",
            "-, x, x, -, -, -, CGU",
            "-, x, x, -, -, x, CGU",
            "-, x, x, -, x, -, CGU",
            "-, x, x, -, x, x, CGU",
            "-, x, x, x, -, -, PASSWORD",
            "-, x, x, x, -, x, PASSWORD",
            "-, x, x, x, x, -, CONTACT",
            "-, x, x, x, x, x, EMAIL_CONFIRMATION",
            "x, -, -, -, -, -, FAILED",
            "x, -, -, -, -, x, FAILED",
            "x, -, -, -, x, -, FAILED",
            "x, -, -, -, x, x, FAILED",
            "x, -, -, x, -, -, FAILED",
            "x, -, -, x, -, x, FAILED",
            "x, -, -, x, x, -, FAILED",
            "x, -, -, x, x, x, FAILED",
            "x, -, x, -, -, -, FAILED",
            "x, -, x, -, -, x, FAILED",
            "x, -, x, -, x, -, FAILED",
            "x, -, x, -, x, x, FAILED",
            "x, -, x, x, -, -, FAILED",
            "x, -, x, x, -, x, FAILED",
            "x, -, x, x, x, -, FAILED",
            "x, -, x, x, x, x, FAILED",
            "x, x, -, -, -, -, FAILED",
            "x, x, -, -, -, x, FAILED",
            "x, x, -, -, x, -, FAILED",
            "x, x, -, -, x, x, FAILED",
            "x, x, -, x, -, -, FAILED",
            "x, x, -, x, -, x, FAILED",
            "x, x, -, x, x, -, FAILED",
            "x, x, -, x, x, x, FAILED",
            "x, x, x, -, -, -, FAILED",
            "x, x, x, -, -, x, FAILED",
            "x, x, x, -, x, -, FAILED",
            "x, x, x, -, x, x, FAILED",
            "x, x, x, x, -, -, FAILED",
            "x, x, x, x, -, x, FAILED",
            "x, x, x, x, x, -, FAILED",
            "x, x, x, x, x, x, FAILED"
    })
    void nextWhenFactsThenStep(String failure, String identity, String proof, String cgu, String password,
            String account, EnrollmentStep expected) {
        Enrollment e = Enrollment.carteVitale(new byte[32], Enrollment.Channel.WEB, null, NOW, Duration.ofHours(1));
        if (set(identity)) {
            e = e.withIdentity(NIR, NOW);
        }
        if (set(proof)) {
            e = e.withProof(NOW);
        }
        if (set(cgu)) {
            e = e.withCgu("2025-01", NOW);
        }
        if (set(password)) {
            e = e.withPassword("$argon2id$hash");
        }
        if (set(account)) {
            e = e.withAccount(UUID.randomUUID());
        }
        if (set(failure)) {
            e = e.withFailure(EnrollmentFailure.LOCKED);
        }

        assertThat(EnrollmentFlow.next(e)).isEqualTo(expected);
        assertThat(e.step()).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(Enrollment.Path.class)
    void nextWhenNirWithoutVerificationTimeOrTheReverseThenIdentity(Enrollment.Path path) {
        Enrollment full = Enrollment.carteVitale(new byte[32], Enrollment.Channel.WEB, null, NOW, Duration.ofHours(1))
                .withIdentity(NIR, NOW).withProof(NOW).withCgu("2025-01", NOW).withPassword("h")
                .withAccount(UUID.randomUUID());
        Enrollment nirOnly = new Enrollment(full.idHash(), full.channel(), path, NIR, null, 0, 0, null, NOW, "2025-01", NOW,
                "h", full.accountId(), null, null, null, NOW, NOW.plusSeconds(60), 0);
        Enrollment timeOnly = new Enrollment(full.idHash(), full.channel(), path, null, NOW, 0, 0, null, NOW, "2025-01", NOW,
                "h", full.accountId(), null, null, null, NOW, NOW.plusSeconds(60), 0);

        assertThat(EnrollmentFlow.next(full)).isEqualTo(EnrollmentStep.EMAIL_CONFIRMATION);
        assertThat(EnrollmentFlow.next(nirOnly)).isEqualTo(EnrollmentStep.IDENTITY);
        assertThat(EnrollmentFlow.next(timeOnly)).isEqualTo(EnrollmentStep.IDENTITY);
    }

    @ParameterizedTest
    @EnumSource(Enrollment.Channel.class)
    void factoriesWhenPathThenFirstStepOfThatPath(Enrollment.Channel channel) {
        byte[] id = new byte[32];
        Duration ttl = Duration.ofMinutes(30);

        Enrollment carteVitale = Enrollment.carteVitale(id, channel, "pending", NOW, ttl);
        Enrollment federated = Enrollment.federated(id, channel, NIR, "sub-1", null, NOW, ttl);
        Enrollment provisional = Enrollment.provisionalCode(id, channel, NIR, null, NOW, ttl);

        assertThat(carteVitale.step()).isEqualTo(EnrollmentStep.IDENTITY);
        assertThat(carteVitale.path()).isEqualTo(Enrollment.Path.CARTE_VITALE);
        assertThat(carteVitale.pendingAuthorizationId()).isEqualTo("pending");
        assertThat(carteVitale.expiresAt()).isEqualTo(NOW.plus(ttl));
        assertThat(federated.step()).isEqualTo(EnrollmentStep.CGU);
        assertThat(federated.federationSub()).isEqualTo("sub-1");
        assertThat(provisional.step()).isEqualTo(EnrollmentStep.CGU);
        assertThat(provisional.path()).isEqualTo(Enrollment.Path.PROVISIONAL_CODE);
        assertThat(provisional.federationSub()).isNull();
    }

    @Test
    void withProofWhenCountersSetThenCountersStartAfresh() {
        Enrollment locked = Enrollment.carteVitale(new byte[32], Enrollment.Channel.WEB, null, NOW, Duration.ofHours(1))
                .withIdentity(NIR, NOW).withProofAttempts(2, NOW.plusSeconds(600));

        Enrollment proven = locked.withProof(NOW);

        assertThat(proven.proofAttempts()).isZero();
        assertThat(proven.lockedUntil()).isNull();
        assertThat(proven.nir()).isEqualTo(NIR);
        assertThat(proven.identityAttempts()).isEqualTo(locked.identityAttempts());
    }

    private static boolean set(String mark) {
        return "x".equals(mark);
    }
}
