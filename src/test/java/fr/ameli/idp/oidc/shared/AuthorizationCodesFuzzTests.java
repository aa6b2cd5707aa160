package fr.ameli.idp.oidc.shared;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The token endpoint opens whatever a client sends as a code: under arbitrary input, {@link AuthorizationCodes#open}
 * answers nothing (the caller's {@code invalid_grant}) and never throws, and a sealed code changed in any way opens to
 * nothing. The {@code @FuzzTest} replays its seeds in {@code mvn verify} ({@code JAZZER_FUZZ=1} fuzzes it);
 * {@link #generatedCases()} adds {@value #GENERATED} inputs from a fixed-seed generator.
 */
@Tag("fuzz")
class AuthorizationCodesFuzzTests {

    static final int GENERATED = 5_000;
    static final AuthorizationCodes CODES = new AuthorizationCodes(new SecretKeySpec(new byte[32], "AES"));
    static final Instant AT = Instant.parse("2026-12-07T18:00:00Z");
    static final AuthorizationCode ISSUED = new AuthorizationCode(AuthorizationCodes.newId(), "demo-rp",
            AuthorizationCode.hashOf("http://localhost:9876/callback"), new UUID(1, 2), "openid profile", "nonce-fuzz",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", AT, "eidas1", List.of("pwd"), false, AT, AT.plusSeconds(30),
            "sid");
    static final String GENUINE = CODES.seal(ISSUED);
    static final byte[] GENUINE_BYTES = Base64.getUrlDecoder().decode(GENUINE);
    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    @FuzzTest
    void open(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            alteredGenuine(data.consumeInt(0, GENUINE_BYTES.length - 1), (byte) (data.consumeByte() | 1));
        }
        openProperty(data.consumeRemainingAsString());
    }

    @Test
    void generatedCases() {
        Random random = new Random(20261207L);
        for (int i = 0; i < GENERATED; i++) {
            alteredGenuine(random.nextInt(GENUINE_BYTES.length), (byte) (random.nextInt(255) + 1));
            StringBuilder raw = new StringBuilder();
            int length = random.nextInt(4) == 0 ? random.nextInt(GENUINE.length() + 8) : random.nextInt(64);
            for (int c = 0; c < length; c++) {
                raw.append(random.nextInt(20) == 0 ? (char) random.nextInt(0x3000) : ALPHABET.charAt(random.nextInt(64)));
            }
            openProperty(raw.toString());
            // The genuine code cut, grown or with one character replaced: still base64url, never a code.
            int at = random.nextInt(GENUINE.length());
            openProperty(GENUINE.substring(0, at));
            openProperty(GENUINE + ALPHABET.charAt(random.nextInt(64)));
        }
        assertThat(CODES.open(GENUINE)).usingRecursiveComparison().isEqualTo(ISSUED);
    }

    /** Arbitrary input opens to nothing, or (base64's last character has spare bits) to exactly the genuine code. */
    static void openProperty(String raw) {
        AuthorizationCode opened = CODES.open(raw);
        if (opened != null) {
            assertThat(Base64.getUrlDecoder().decode(raw)).isEqualTo(GENUINE_BYTES);
            assertThat(opened).usingRecursiveComparison().isEqualTo(ISSUED);
        }
    }

    /** The genuine code with one byte changed ({@code flip} non-zero) opens to nothing. */
    static void alteredGenuine(int index, byte flip) {
        byte[] altered = GENUINE_BYTES.clone();
        altered[index] ^= flip;
        assertThat(CODES.open(Base64.getUrlEncoder().withoutPadding().encodeToString(altered))).as("byte " + index).isNull();
    }
}
