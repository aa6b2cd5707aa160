package fr.ameli.idp.oidc.shared;

import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.token.DerivedKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.HKDFParameterSpec;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Authorization codes that carry what they stand for, sealed with AES-256-GCM: issuing a code writes nothing, and the
 * token endpoint reads it from the code itself. Single use is the database's: the exchange stores the code's
 * {@link AuthorizationCode#id() id} with the access token it issues, under a unique key, so that a replay finds it
 * taken and revokes what the first exchange got (RFC 9700 §4.5). The seal keeps a code's content from the person and
 * the client (the nonce and the session's sid are the client's to learn from the ID token, not from the URL) and any
 * change to it from passing.
 *
 * <p>Each code has a key of its own, derived (HKDF-Expand, RFC 5869) from the codes' key and the code's random id:
 * with one key for every code and random 96-bit IVs, GCM's bound on the number of messages under one key (2³²,
 * NIST SP 800-38D §8.3) would be a matter of years for a national service, and one repeated IV would let codes be
 * forged. The IV is random all the same, so that a code's key sealing a second content (a caller reusing an id) would
 * still not repeat a (key, IV) pair. The codes' key comes from the key-encryption key ({@link DerivedKeys}) and names
 * the issuer, so that two environments sharing that key by mistake still refuse each other's codes.
 *
 * <p>Format, base64url: {@code version ‖ id (16) ‖ IV (12) ‖ AES-GCM(fields) ‖ tag (16)}, version and id
 * authenticated too.
 * Instants are kept to the microsecond, as PostgreSQL keeps them. Sealing and opening take microseconds and touch no
 * file (id and IV from the DRBG): safe on an event loop.
 */
@Component
public class AuthorizationCodes {

    /** HKDF purpose of the codes' key (with the issuer); a new format takes a new version, and so a new key. */
    private static final String PURPOSE = "authorization code v1 ";
    private static final byte VERSION = 1;
    private static final int ID_BYTES = 16;
    private static final int HEADER_BYTES = 1 + ID_BYTES;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
    /** Longer than any code this service seals (the fields are bounded at /authorize), shorter than any form limit. */
    static final int MAX_LENGTH = 8192;

    /**
     * Per thread (the event loops, a few): neither object is safe for concurrent use, and looking each up in the
     * providers for every code cost more than the sealing itself.
     */
    private static final ThreadLocal<KDF> HKDF = ThreadLocal.withInitial(() -> instance(() -> KDF.getInstance("HKDF-SHA256")));
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> instance(() -> Cipher.getInstance(TRANSFORMATION)));

    private final SecretKey key;

    @Autowired
    AuthorizationCodes(DerivedKeys keys, IdpProperties properties) {
        this(keys.aes256(PURPOSE + properties.issuer()));
    }

    AuthorizationCodes(SecretKey key) {
        this.key = key;
        // The JCA's first use of HKDF and AES-GCM loads their classes: here, on the main thread, not on an event loop.
        open(seal(new AuthorizationCode(newId(), "warm-up", AuthorizationCode.hashOf("https://localhost/"),
                new UUID(0, 0), "openid", "n", null, Instant.EPOCH, "eidas1", List.of(), false, Instant.EPOCH,
                Instant.EPOCH, null)));
    }

    /** A fresh single-use key for a code about to be sealed. */
    public static byte[] newId() {
        return Secrets.randomBytes(ID_BYTES);
    }

    /** The code handed to the client for {@code code}. */
    public String seal(AuthorizationCode code) {
        if (code.id().length != ID_BYTES) {
            throw new IllegalArgumentException("an authorization code's id is " + ID_BYTES + " bytes");
        }
        if (code.redirectUriHash().length != 32) {
            throw new IllegalArgumentException("an authorization code's redirect URI hash is a SHA-256");
        }
        byte[] plain = fields(code);
        byte[] iv = Secrets.randomBytes(IV_BYTES);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, code.id(), iv, 0);
            byte[] out = new byte[HEADER_BYTES + IV_BYTES + cipher.getOutputSize(plain.length)];
            out[0] = VERSION;
            System.arraycopy(code.id(), 0, out, 1, ID_BYTES);
            System.arraycopy(iv, 0, out, HEADER_BYTES, IV_BYTES);
            cipher.updateAAD(out, 0, HEADER_BYTES);
            cipher.doFinal(plain, 0, plain.length, out, HEADER_BYTES + IV_BYTES);
            return B64.encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing of an authorization code failed", e);
        }
    }

    /**
     * What {@code code} stands for, or null when it is not a code this service sealed with its current key (altered,
     * truncated, forged, another version or issuer, or a code of the previous format): the caller answers
     * {@code invalid_grant}. Expiry, client, redirect URI and PKCE are the caller's to check.
     */
    public @Nullable AuthorizationCode open(String code) {
        if (code.length() > MAX_LENGTH) {
            return null;
        }
        byte[] sealed;
        try {
            sealed = B64_DECODER.decode(code);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (sealed.length < HEADER_BYTES + IV_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            return null;
        }
        byte[] id = Arrays.copyOfRange(sealed, 1, HEADER_BYTES);
        byte[] plain;
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, id, sealed, HEADER_BYTES);
            cipher.updateAAD(sealed, 0, HEADER_BYTES);
            plain = cipher.doFinal(sealed, HEADER_BYTES + IV_BYTES, sealed.length - HEADER_BYTES - IV_BYTES);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM opening of an authorization code failed", e);
        }
        try {
            return read(id, plain);
        } catch (IOException | RuntimeException e) {
            // Authenticated, so written by this service: only a format bug gets here.
            throw new IllegalStateException("an authorization code sealed by this service does not parse", e);
        }
    }

    /** AES-GCM under the code's own key: HKDF-Expand of the codes' key with the code's id. */
    private Cipher cipher(int mode, byte[] id, byte[] iv, int ivOffset) throws GeneralSecurityException {
        SecretKey codeKey = HKDF.get().deriveKey("AES", HKDFParameterSpec.expandOnly(key, id, 32));
        Cipher cipher = CIPHER.get();
        cipher.init(mode, codeKey, new GCMParameterSpec(TAG_BITS, iv, ivOffset, IV_BYTES));
        return cipher;
    }

    private interface Lookup<T> {
        T get() throws GeneralSecurityException;
    }

    private static <T> T instance(Lookup<T> lookup) {
        try {
            return lookup.get();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 or AES-GCM missing from the JDK", e);
        }
    }

    private static byte[] fields(AuthorizationCode c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(c.clientId());
            out.write(c.redirectUriHash());
            out.writeLong(c.accountId().getMostSignificantBits());
            out.writeLong(c.accountId().getLeastSignificantBits());
            out.writeUTF(c.scope());
            out.writeUTF(c.nonce());
            optional(out, c.codeChallenge());
            out.writeLong(micros(c.authTime()));
            out.writeUTF(c.acr());
            out.writeByte(c.amr().size());
            for (String amr : c.amr()) {
                out.writeUTF(amr);
            }
            out.writeBoolean(c.amrRequested());
            out.writeLong(micros(c.issuedAt()));
            out.writeLong(micros(c.expiresAt()));
            optional(out, c.sid());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static AuthorizationCode read(byte[] id, byte[] plain) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain));
        String clientId = in.readUTF();
        byte[] redirectUriHash = new byte[32];
        in.readFully(redirectUriHash);
        UUID accountId = new UUID(in.readLong(), in.readLong());
        String scope = in.readUTF();
        String nonce = in.readUTF();
        String challenge = optional(in);
        Instant authTime = instant(in.readLong());
        String acr = in.readUTF();
        int amrCount = in.readUnsignedByte();
        List<String> amr = new ArrayList<>(amrCount);
        for (int i = 0; i < amrCount; i++) {
            amr.add(in.readUTF());
        }
        boolean amrRequested = in.readBoolean();
        Instant issuedAt = instant(in.readLong());
        Instant expiresAt = instant(in.readLong());
        String sid = optional(in);
        if (in.available() != 0) {
            throw new IOException("trailing bytes");
        }
        return new AuthorizationCode(id, clientId, redirectUriHash, accountId, scope, nonce, challenge, authTime, acr,
                amr, amrRequested, issuedAt, expiresAt, sid);
    }

    private static void optional(DataOutputStream out, @Nullable String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static @Nullable String optional(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    private static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
