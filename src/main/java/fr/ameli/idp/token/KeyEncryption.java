package fr.ameli.idp.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Encrypts private keys before they reach the database: AES-256-GCM with a random 96-bit IV per value
 * (NIST SP 800-38D §8.2.2) and the kid as additional authenticated data, so that an encrypted private
 * key copied into another row does not decrypt. Stored as {@code version ‖ IV ‖ ciphertext ‖ tag}.
 *
 * <p>Every message names the property, never its value. Encryption draws from {@link SecureRandom}, which
 * may read {@code /dev/urandom}: call it off the event loop.
 */
final class KeyEncryption {

    static final String PROPERTY = "idp.keys.encryption-key (IDP_KEYS_ENCRYPTION_KEY)";

    private static final byte VERSION = 1;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    private KeyEncryption(SecretKey key) {
        this.key = key;
    }

    /** Fails with a message naming the property (never echoing it) when it is unset or not base64 of 32 bytes. */
    static KeyEncryption fromBase64(@Nullable String base64Key) {
        byte[] raw = rawKey(base64Key);
        try {
            return new KeyEncryption(new SecretKeySpec(raw, "AES"));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** The key's 32 bytes (the caller clears them), with the same messages as {@link #fromBase64}. */
    static byte[] rawKey(@Nullable String base64Key) {
        if (base64Key == null || base64Key.isBlank()) {
            throw new IllegalStateException(PROPERTY + " is not set: it must be the base64 of 32 random bytes "
                    + "(openssl rand -base64 32)");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(PROPERTY + " is not valid base64: it must be the base64 of 32 random bytes "
                    + "(openssl rand -base64 32)");
        }
        if (raw.length != 32) {
            Arrays.fill(raw, (byte) 0);
            throw new IllegalStateException(PROPERTY + " must decode to 32 bytes (AES-256), not " + raw.length);
        }
        return raw;
    }

    byte[] encrypt(String kid, byte[] plaintext) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + IV_BYTES + sealed.length).put(VERSION).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * @throws IllegalStateException when the value was encrypted under another key or for another kid,
     *         or was altered: the message says so and names the kid, nothing secret
     */
    byte[] decrypt(String kid, byte[] stored) {
        if (stored.length < 1 + IV_BYTES + TAG_BITS / 8 || stored[0] != VERSION) {
            throw new IllegalStateException("Signing key " + kid + ": unknown encrypted format");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 1, IV_BYTES));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(stored, 1 + IV_BYTES, stored.length - 1 - IV_BYTES);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("Signing key " + kid + " cannot be decrypted with " + PROPERTY
                    + ": it was encrypted under another key, or the row was altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption of signing key " + kid + " failed", e);
        }
    }
}
