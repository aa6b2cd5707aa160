package fr.ameli.idp.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyEncryptionTests {

    private static final String KEY = randomKey();
    private static final String OTHER_KEY = randomKey();
    private static final byte[] PRIVATE_JWK =
            "{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"secret-private-scalar\"}".getBytes(StandardCharsets.UTF_8);

    private final KeyEncryption encryption = KeyEncryption.fromBase64(KEY);

    @Test
    void decryptWhenEncryptedWithSameKeyAndKidThenOriginal() {
        byte[] stored = encryption.encrypt("kid-1", PRIVATE_JWK);

        assertThat(encryption.decrypt("kid-1", stored)).isEqualTo(PRIVATE_JWK);
    }

    @Test
    void encryptWhenCalledTwiceThenDifferentIvAndCiphertext() {
        assertThat(encryption.encrypt("kid-1", PRIVATE_JWK)).isNotEqualTo(encryption.encrypt("kid-1", PRIVATE_JWK));
    }

    @Test
    void encryptWhenCalledThenCiphertextDoesNotContainPlaintext() {
        String stored = new String(encryption.encrypt("kid-1", PRIVATE_JWK), StandardCharsets.ISO_8859_1);

        assertThat(stored).doesNotContain("secret-private-scalar", "\"d\"", "P-256");
    }

    @Test
    void decryptWhenOtherEncryptionKeyThenFailsNamingThePropertyNotTheKey() {
        byte[] stored = KeyEncryption.fromBase64(OTHER_KEY).encrypt("kid-1", PRIVATE_JWK);

        assertThatIllegalStateException().isThrownBy(() -> encryption.decrypt("kid-1", stored))
                .withMessageContaining("idp.keys.encryption-key")
                .withMessageContaining("kid-1")
                .withMessageNotContaining(KEY)
                .withMessageNotContaining(OTHER_KEY);
    }

    @Test
    void decryptWhenCiphertextTamperedThenFails() {
        byte[] stored = encryption.encrypt("kid-1", PRIVATE_JWK);
        stored[stored.length / 2] ^= 1;

        assertThatIllegalStateException().isThrownBy(() -> encryption.decrypt("kid-1", stored));
    }

    @Test
    void decryptWhenIvTamperedThenFails() {
        byte[] stored = encryption.encrypt("kid-1", PRIVATE_JWK);
        stored[1] ^= 1;

        assertThatIllegalStateException().isThrownBy(() -> encryption.decrypt("kid-1", stored));
    }

    @Test
    void decryptWhenStoredUnderAnotherKidThenFails() {
        byte[] stored = encryption.encrypt("kid-1", PRIVATE_JWK);

        assertThatIllegalStateException().isThrownBy(() -> encryption.decrypt("kid-2", stored))
                .withMessageContaining("kid-2");
    }

    @Test
    void decryptWhenTruncatedThenFails() {
        assertThatIllegalStateException().isThrownBy(() -> encryption.decrypt("kid-1", new byte[] {1, 2, 3}));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "not base64 !", "c2hvcnQ=" /* 5 bytes */})
    void fromBase64WhenKeyMissingOrMalformedThenFailsNamingThePropertyNotTheValue(String configured) {
        assertThatIllegalStateException().isThrownBy(() -> KeyEncryption.fromBase64(configured))
                .withMessageContaining("idp.keys.encryption-key")
                .satisfies(e -> {
                    if (configured != null && !configured.isBlank()) {
                        assertThat(e.getMessage()).doesNotContain(configured.strip());
                    }
                });
    }

    private static String randomKey() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }
}
