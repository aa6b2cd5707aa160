package fr.ameli.idp.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Keys of the service's own sealed values (authorization codes), derived from the key-encryption key
 * ({@code idp.keys.encryption-key}) with HKDF-SHA256 (RFC 5869, the JDK's {@link KDF}), one per purpose: no other
 * secret to provision and share between replicas, and a key of one purpose tells nothing of the others nor of the
 * key-encryption key itself.
 */
@Component
public class DerivedKeys {

    private static final byte[] SALT = "ameli-idp derived keys".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec master;

    DerivedKeys(KeyProperties properties) {
        byte[] raw = KeyEncryption.rawKey(properties.encryptionKey());
        try {
            this.master = new SecretKeySpec(raw, "HKDF-IKM");
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** A 256-bit AES key for {@code purpose} (a constant naming its use and format version). */
    public SecretKey aes256(String purpose) {
        try {
            return KDF.getInstance("HKDF-SHA256").deriveKey("AES", HKDFParameterSpec.ofExtract()
                    .addIKM(master).addSalt(SALT).thenExpand(purpose.getBytes(StandardCharsets.UTF_8), 32));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 key derivation failed", e);
        }
    }
}
