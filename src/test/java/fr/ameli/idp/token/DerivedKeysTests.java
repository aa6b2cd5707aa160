package fr.ameli.idp.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Keys derived from the key-encryption key: HKDF-SHA256 exactly, so that every replica and version agrees. */
class DerivedKeysTests {

    private static final String MASTER = "N6Lc66HxtvyujAqPR9aUrBF3Ty8nZUI6SKay/w4WlpA=";

    private static DerivedKeys keys(String base64) {
        return new DerivedKeys(new KeyProperties(base64, null, null, null, null));
    }

    @Test
    void aes256WhenDerivedThenHkdfSha256OfTheKeyWithTheSaltAndThePurpose() throws Exception {
        byte[] derived = keys(MASTER).aes256("authorization code v1").getEncoded();

        // RFC 5869 §2.2–2.3, written out: PRK = HMAC(salt, IKM), then T(1) = HMAC(PRK, info ‖ 0x01) is the 32 bytes.
        Mac extract = Mac.getInstance("HmacSHA256");
        extract.init(new SecretKeySpec("ameli-idp derived keys".getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        byte[] prk = extract.doFinal(Base64.getDecoder().decode(MASTER));
        Mac expand = Mac.getInstance("HmacSHA256");
        expand.init(new SecretKeySpec(prk, "HmacSHA256"));
        expand.update("authorization code v1".getBytes(StandardCharsets.UTF_8));
        byte[] expected = expand.doFinal(new byte[] {1});

        assertThat(derived).hasSize(32).isEqualTo(expected);
        assertThat(keys(MASTER).aes256("authorization code v1").getAlgorithm()).isEqualTo("AES");
    }

    @Test
    void aes256WhenAnotherPurposeOrAnotherMasterThenAnotherKey() {
        byte[] codes = keys(MASTER).aes256("authorization code v1").getEncoded();

        assertThat(keys(MASTER).aes256("authorization code v2").getEncoded()).isNotEqualTo(codes);
        assertThat(keys(Base64.getEncoder().encodeToString(new byte[32])).aes256("authorization code v1").getEncoded())
                .isNotEqualTo(codes);
        assertThat(codes).isNotEqualTo(Base64.getDecoder().decode(MASTER));
    }

    @Test
    void constructionWhenTheKeyIsMissingOrShortThenRefusedNamingThePropertyNotTheValue() {
        assertThatIllegalStateException().isThrownBy(() -> keys(null)).withMessageContaining("idp.keys.encryption-key");
        assertThatIllegalStateException().isThrownBy(() -> keys("c2hvcnQ="))
                .withMessageContaining("32 bytes").withMessageNotContaining("c2hvcnQ=");
    }
}
