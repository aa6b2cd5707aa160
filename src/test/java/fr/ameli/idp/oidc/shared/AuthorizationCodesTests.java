package fr.ameli.idp.oidc.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Sealed authorization codes: what goes in comes out, and a code altered in any way opens to nothing. */
class AuthorizationCodesTests {

    private static final AuthorizationCodes CODES = new AuthorizationCodes(new SecretKeySpec(new byte[32], "AES"));
    private static final Instant AT = Instant.parse("2026-12-07T10:15:30.123456Z");

    private static AuthorizationCode code(String nonce, String challenge, String sid, List<String> amr) {
        return new AuthorizationCode(AuthorizationCodes.newId(), "rp-é", AuthorizationCode.hashOf("https://rp.example/cb?x=1"),
                UUID.fromString("6f1c2b7e-2d44-4e43-9d8c-3c1d2e4f5a6b"), "openid profile email", nonce, challenge,
                AT.minusSeconds(90), "eidas2", amr, true, AT, AT.plusSeconds(30), sid);
    }

    @Test
    void openWhenSealedThenEveryFieldAsIssuedToTheMicrosecond() {
        AuthorizationCode issued = code("nonce « é » " + "n".repeat(500), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                "sid-value", List.of("pwd", "mail", "sms"));

        AuthorizationCode opened = CODES.open(CODES.seal(issued));

        assertThat(opened).usingRecursiveComparison().isEqualTo(issued);
        assertThat(opened.authTime()).isEqualTo(AT.minusSeconds(90));
    }

    /** Finer than PostgreSQL keeps them, instants come back to the microsecond. */
    @Test
    void openWhenInstantsFinerThanTheMicrosecondThenTruncatedToIt() {
        AuthorizationCode c = code("n", null, null, List.of());
        Instant fine = AT.plusNanos(789);
        AuthorizationCode issued = new AuthorizationCode(c.id(), c.clientId(), c.redirectUriHash(), c.accountId(),
                c.scope(), c.nonce(), null, fine, c.acr(), c.amr(), false, fine, fine.plusSeconds(30), null);

        AuthorizationCode opened = CODES.open(CODES.seal(issued));

        assertThat(opened.authTime()).isEqualTo(AT);
        assertThat(opened.issuedAt()).isEqualTo(AT);
        assertThat(opened.expiresAt()).isEqualTo(AT.plusSeconds(30));
    }

    @Test
    void openWhenOptionalFieldsAbsentThenNullsAndEmptyAmr() {
        AuthorizationCode issued = code("", null, null, List.of());

        AuthorizationCode opened = CODES.open(CODES.seal(issued));

        assertThat(opened).usingRecursiveComparison().isEqualTo(issued);
        assertThat(opened.codeChallenge()).isNull();
        assertThat(opened.sid()).isNull();
    }

    @Test
    void sealWhenTheSameContentTwiceThenTwoDifferentCodesOfUrlSafeCharacters() {
        AuthorizationCode issued = code("n", null, null, List.of("pwd"));

        String first = CODES.seal(issued);
        String second = CODES.seal(issued);

        assertThat(first).isNotEqualTo(second).matches("[A-Za-z0-9_-]+");
        assertThat(AuthorizationCodes.newId()).isNotEqualTo(AuthorizationCodes.newId()).hasSize(16);
    }

    @Test
    void openWhenAnyByteChangedThenNothing() {
        byte[] sealed = Base64.getUrlDecoder().decode(CODES.seal(code("n", "c", "s", List.of("pwd"))));
        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = sealed.clone();
            altered[i] ^= 0x01;
            assertThat(CODES.open(Base64.getUrlEncoder().withoutPadding().encodeToString(altered))).as("byte " + i).isNull();
        }
    }

    @Test
    void openWhenTruncatedExtendedOrNotACodeThenNothing() {
        String sealed = CODES.seal(code("n", "c", "s", List.of("pwd")));
        for (String other : List.of(sealed.substring(0, sealed.length() - 1), sealed.substring(0, 20), sealed + "A",
                sealed + "AAAA", "", "not a code!", "%%%", "unknown-code", "A".repeat(AuthorizationCodes.MAX_LENGTH + 4),
                "AQ")) {
            assertThat(CODES.open(other)).as(other.length() > 40 ? other.substring(0, 40) + "…" : other).isNull();
        }
    }

    @Test
    void openWhenSealedUnderAnotherKeyThenNothing() {
        byte[] other = new byte[32];
        other[31] = 1;
        String sealed = new AuthorizationCodes(new SecretKeySpec(other, "AES")).seal(code("n", null, null, List.of()));

        assertThat(CODES.open(sealed)).isNull();
    }

    @Test
    void sealWhenIdNotSixteenBytesThenRefused() {
        AuthorizationCode c = code("n", null, null, List.of());
        AuthorizationCode shortId = new AuthorizationCode(new byte[8], c.clientId(), c.redirectUriHash(), c.accountId(),
                c.scope(), c.nonce(), null, c.authTime(), c.acr(), c.amr(), false, c.issuedAt(), c.expiresAt(), null);

        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> CODES.seal(shortId));
    }

    @Test
    void redirectsToWhenTheSameUriExactlyThenTrueOtherwiseFalse() {
        AuthorizationCode opened = CODES.open(CODES.seal(code("n", null, null, List.of())));

        assertThat(opened.redirectsTo("https://rp.example/cb?x=1")).isTrue();
        assertThat(opened.redirectsTo("https://rp.example/cb?x=2")).isFalse();
        assertThat(opened.redirectsTo("https://rp.example/cb?x=1/")).isFalse();
        assertThat(opened.redirectsTo("HTTPS://rp.example/cb?x=1")).isFalse();
    }

    @Test
    void sealWhenTheRedirectUriIsLongThenTheCodeIsNoLonger() {
        AuthorizationCode c = code("n", null, null, List.of());
        AuthorizationCode longUri = new AuthorizationCode(c.id(), c.clientId(),
                AuthorizationCode.hashOf("https://rp.example/" + "x".repeat(4000)), c.accountId(), c.scope(), c.nonce(),
                null, c.authTime(), c.acr(), c.amr(), false, c.issuedAt(), c.expiresAt(), null);

        assertThat(CODES.seal(longUri)).hasSameSizeAs(CODES.seal(c));
    }

    @Test
    void sealWhenTheRedirectUriHashIsNotASha256ThenRefused() {
        AuthorizationCode c = code("n", null, null, List.of());
        AuthorizationCode raw = new AuthorizationCode(c.id(), c.clientId(), new byte[16], c.accountId(), c.scope(),
                c.nonce(), null, c.authTime(), c.acr(), c.amr(), false, c.issuedAt(), c.expiresAt(), null);

        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> CODES.seal(raw));
    }

    @Test
    void instantsWhenBeforeTheEpochOrFarAheadThenKept() {
        AuthorizationCode c = code("n", null, null, List.of());
        Instant old = Instant.parse("1960-02-29T00:00:00.000001Z");
        Instant far = Instant.parse("2999-12-31T23:59:59.999999Z");
        AuthorizationCode issued = new AuthorizationCode(c.id(), c.clientId(), c.redirectUriHash(), c.accountId(), c.scope(),
                c.nonce(), null, old, c.acr(), c.amr(), false, old.truncatedTo(ChronoUnit.SECONDS), far, null);

        assertThat(CODES.open(CODES.seal(issued))).usingRecursiveComparison().isEqualTo(issued);
    }
}
