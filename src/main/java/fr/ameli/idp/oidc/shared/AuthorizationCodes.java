package fr.ameli.idp.oidc.shared;

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
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Authorization codes that carry what they stand for, sealed with AES-256-GCM under a key derived from the
 * key-encryption key ({@link DerivedKeys}): issuing a code writes nothing, and the token endpoint reads it from the code
 * itself. Single use is the database's: the exchange stores the code's {@link AuthorizationCode#id() id} with the
 * access token it issues, under a unique key, so that a replay finds it taken and revokes what the first exchange got
 * (RFC 9700 §4.5). The seal keeps a code's content from the person and the client (the nonce and the session's sid are
 * the client's to learn from the ID token, not from the URL) and any change to it from passing.
 *
 * <p>Format, base64url: {@code version ‖ IV (12) ‖ AES-GCM(fields) ‖ tag (16)}, the version also authenticated.
 * Instants are kept to the microsecond, as PostgreSQL keeps them. Drawing the IV and sealing take microseconds and
 * touch no file: safe on an event loop.
 */
@Component
public class AuthorizationCodes {

    /** HKDF purpose of the key; a new format takes a new version, and so a new key. */
    private static final String PURPOSE = "authorization code v1";
    private static final byte VERSION = 1;
    private static final byte[] AAD = {VERSION};
    private static final int ID_BYTES = 16;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
    /** Longer than any code this service seals (the fields are bounded at /authorize), shorter than any form limit. */
    static final int MAX_LENGTH = 8192;

    private final SecretKey key;

    @Autowired
    AuthorizationCodes(DerivedKeys keys) {
        this(keys.aes256(PURPOSE));
    }

    AuthorizationCodes(SecretKey key) {
        this.key = key;
        // The JCA's first use of AES-GCM loads its classes: here, on the main thread, rather than on an event loop.
        open(seal(new AuthorizationCode(newId(), "warm-up", "https://localhost/", new UUID(0, 0), "openid", "n",
                null, Instant.EPOCH, "eidas1", List.of(), false, Instant.EPOCH, Instant.EPOCH, null)));
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
        byte[] iv = Secrets.randomBytes(IV_BYTES);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(AAD);
            byte[] plain = fields(code);
            byte[] out = new byte[1 + IV_BYTES + cipher.getOutputSize(plain.length)];
            out[0] = VERSION;
            System.arraycopy(iv, 0, out, 1, IV_BYTES);
            cipher.doFinal(plain, 0, plain.length, out, 1 + IV_BYTES);
            return B64.encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing of an authorization code failed", e);
        }
    }

    /**
     * What {@code code} stands for, or null when it is not a code this service sealed with its current key (altered,
     * truncated, forged, another version, or a code of the previous format): the caller answers {@code invalid_grant}.
     * Expiry, client and PKCE are the caller's to check.
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
        if (sealed.length < 1 + IV_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            return null;
        }
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, IV_BYTES));
            cipher.updateAAD(AAD);
            plain = cipher.doFinal(sealed, 1 + IV_BYTES, sealed.length - 1 - IV_BYTES);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM opening of an authorization code failed", e);
        }
        try {
            return read(plain);
        } catch (IOException | RuntimeException e) {
            // Authenticated, so written by this service: only a format bug gets here.
            throw new IllegalStateException("an authorization code sealed by this service does not parse", e);
        }
    }

    private static byte[] fields(AuthorizationCode c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(c.id());
            out.writeUTF(c.clientId());
            out.writeUTF(c.redirectUri());
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

    private static AuthorizationCode read(byte[] plain) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain));
        byte[] id = new byte[ID_BYTES];
        in.readFully(id);
        String clientId = in.readUTF();
        String redirectUri = in.readUTF();
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
        return new AuthorizationCode(id, clientId, redirectUri, accountId, scope, nonce, challenge, authTime, acr, amr,
                amrRequested, issuedAt, expiresAt, sid);
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
