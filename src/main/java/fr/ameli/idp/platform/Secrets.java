package fr.ameli.idp.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random handles (session cookies, codes, tokens, links) and their SHA-256, which is all the database keeps.
 * 256 bits of randomness: a hash of such a value cannot be reversed, so a fast hash is enough.
 */
public final class Secrets {

    /**
     * A DRBG (NIST SP 800-90A), seeded once when this class loads: unlike the default NativePRNG, it does
     * not read {@code /dev/urandom} on every call, which would be file I/O on an event loop. The class is
     * loaded at start-up by {@link PlatformConfiguration}, on the main thread.
     */
    private static final SecureRandom RANDOM = drbg();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {
    }

    private static SecureRandom drbg() {
        try {
            SecureRandom random = SecureRandom.getInstance("DRBG");
            random.nextBytes(new byte[32]);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A random (version 4) UUID drawn from the DRBG, for ids created on request paths. */
    public static java.util.UUID newUuid() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(b);
        return new java.util.UUID(buffer.getLong(), buffer.getLong());
    }

    /** {@code n} random bytes from the DRBG (IVs, ids), safe on an event loop. */
    public static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** 32 random bytes, base64url without padding (43 characters). */
    public static String newHandle() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    /** A string of {@code n} random decimal digits (one-time codes), uniformly drawn. */
    public static String digits(int n) {
        StringBuilder code = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            code.append(RANDOM.nextInt(10));
        }
        return code.toString();
    }

    /** A string of {@code n} characters uniformly drawn from {@code alphabet} (captcha challenges). */
    public static String characters(String alphabet, int n) {
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String base64Url(byte[] bytes) {
        return B64.encodeToString(bytes);
    }
}
