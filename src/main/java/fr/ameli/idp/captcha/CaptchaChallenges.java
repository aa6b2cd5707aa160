package fr.ameli.idp.captcha;

import fr.ameli.idp.platform.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Captcha challenges in PostgreSQL, so that any instance draws, speaks and checks any challenge. The browser
 * holds a random handle; the row holds its SHA-256, the answer's hash keyed by the handle (to check it) and the
 * answer sealed with AES-GCM under a key derived from the handle (to draw it again, e.g. after a refresh of the
 * image or for the audio). Without the handle the row tells nothing: no answer can be read from a dump, and
 * a short answer cannot be brute-forced offline from its hash.
 *
 * <p>Checking is atomic and single-use: the same UPDATE marks the challenge used and returns its hash, so a
 * challenge cannot be tried twice, on any instance. Wrong, expired, used and unknown handles all need a new one.
 */
@Component
public class CaptchaChallenges {

    /**
     * The characters a challenge is made of: digits and capital letters that cannot be mistaken for each other,
     * neither on the image (no 0/O, 1/I/L) nor spoken in French (no B/D/P/T/V/G, no N beside M).
     */
    public static final String ALPHABET = "23456789ACFHKMRWXZ";

    /** How a typed answer compares. */
    public enum Outcome { VALID, WRONG, EXPIRED }

    private final DatabaseClient db;
    private final Clock clock;
    private final CaptchaProperties properties;
    private final CaptchaMedia media;

    CaptchaChallenges(DatabaseClient db, Clock clock, CaptchaProperties properties, CaptchaMedia media) {
        this.db = db;
        this.clock = clock;
        this.properties = properties;
        this.media = media;
    }

    /** A new challenge; emits its handle (for the browser's cookie). Also purges challenges long expired. */
    public Mono<String> issue() {
        return Mono.defer(() -> {
            String handle = Secrets.newHandle();
            String answer = Secrets.characters(ALPHABET, properties.length());
            Instant now = clock.instant();
            return db.sql("with purge as (delete from captcha_challenge where expires_at < :stale) "
                            + "insert into captcha_challenge (id_hash, answer_hash, answer_sealed, created_at, expires_at) "
                            + "values (:id, :answer, :sealed, :now, :expires)")
                    .bind("stale", now.minus(properties.ttl().multipliedBy(12)))
                    .bind("id", Secrets.sha256(handle))
                    .bind("answer", answerHash(handle, answer))
                    .bind("sealed", seal(handle, answer))
                    .bind("now", now)
                    .bind("expires", now.plus(properties.ttl()))
                    .then()
                    .thenReturn(handle);
        });
    }

    /** Checks what the person typed (case and spaces ignored) and uses the challenge up, whatever the result. */
    public Mono<Outcome> check(@Nullable String handle, @Nullable String typed) {
        if (handle == null || handle.isBlank()) {
            return Mono.just(Outcome.EXPIRED);
        }
        return db.sql("update captcha_challenge set used_at = :now where id_hash = :id and used_at is null "
                        + "and expires_at > :now returning answer_hash")
                .bind("now", clock.instant())
                .bind("id", Secrets.sha256(handle))
                .map(row -> row.get("answer_hash", byte[].class))
                .one()
                .map(expected -> MessageDigest.isEqual(expected, answerHash(handle, normalize(typed))) ? Outcome.VALID
                        : Outcome.WRONG)
                .defaultIfEmpty(Outcome.EXPIRED);
    }

    /** The PNG image of a live challenge, or empty when it is unknown, used or expired. */
    public Mono<byte[]> image(String handle) {
        return answer(handle).flatMap(media::png);
    }

    /** The WAV recording of a live challenge, spoken in French over background noise, or empty. */
    public Mono<byte[]> audio(String handle) {
        return answer(handle).flatMap(media::wav);
    }

    /**
     * The answer of a live challenge. Package-private: only the media above need it, and the tests, which cannot
     * read the image (the handle is what a browser already holds, so this reveals nothing the image does not).
     */
    Mono<String> answer(String handle) {
        return db.sql("select answer_sealed from captcha_challenge where id_hash = :id and used_at is null and expires_at > :now")
                .bind("id", Secrets.sha256(handle))
                .bind("now", clock.instant())
                .map(row -> row.get("answer_sealed", byte[].class))
                .one()
                .map(sealed -> unseal(handle, sealed));
    }

    static String normalize(@Nullable String typed) {
        return typed == null ? "" : typed.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
    }

    private static byte[] answerHash(String handle, String answer) {
        return Secrets.sha256("captcha-answer|" + handle + "|" + answer);
    }

    /**
     * AES-256-GCM under SHA-256("captcha-seal|" + handle). Each key seals exactly one message (handles are random
     * and never reused), so a fixed IV is safe here (NIST SP 800-38D §8: the IV must be unique per key).
     */
    private static byte[] seal(String handle, String answer) {
        try {
            return cipher(Cipher.ENCRYPT_MODE, handle).doFinal(answer.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("captcha sealing failed", e);
        }
    }

    private static String unseal(String handle, byte[] sealed) {
        try {
            return new String(cipher(Cipher.DECRYPT_MODE, handle).doFinal(sealed), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("captcha unsealing failed", e);
        }
    }

    private static Cipher cipher(int mode, String handle) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(Secrets.sha256("captcha-seal|" + handle), "AES"), new GCMParameterSpec(128, new byte[12]));
        return cipher;
    }
}
