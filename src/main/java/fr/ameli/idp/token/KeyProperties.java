package fr.ameli.idp.token;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code idp.keys.*}: how signing keys are protected and rotated.
 *
 * @param encryptionKey base64 of the 32-byte AES key that encrypts the private keys in the database
 *        ({@code IDP_KEYS_ENCRYPTION_KEY}); checked by {@link KeyEncryption}, never printed
 * @param rotationPeriod how long a key signs before the next one takes over (default 30 days)
 * @param publishAhead how long a new key is in the JWKS before it signs, so that relying parties that
 *        cache the JWKS know it before they see a token signed with it (default 1 hour)
 * @param retainAfterRetire how long a retired key stays in the JWKS; must exceed the longest lifetime
 *        of a token it signed (default 1 hour)
 * @param refreshInterval how often each instance reloads the keys from the database and rotates them
 *        when due (default 60 seconds)
 */
@ConfigurationProperties("idp.keys")
record KeyProperties(@Nullable String encryptionKey, Duration rotationPeriod, Duration publishAhead,
        Duration retainAfterRetire, Duration refreshInterval) {

    KeyProperties(@Nullable String encryptionKey, @Nullable Duration rotationPeriod, @Nullable Duration publishAhead,
            @Nullable Duration retainAfterRetire, @Nullable Duration refreshInterval) {
        this.encryptionKey = encryptionKey;
        this.rotationPeriod = rotationPeriod == null ? Duration.ofDays(30) : rotationPeriod;
        this.publishAhead = publishAhead == null ? Duration.ofHours(1) : publishAhead;
        this.retainAfterRetire = retainAfterRetire == null ? Duration.ofHours(1) : retainAfterRetire;
        this.refreshInterval = refreshInterval == null ? Duration.ofSeconds(60) : refreshInterval;
        requirePositive("publish-ahead", this.publishAhead);
        requirePositive("retain-after-retire", this.retainAfterRetire);
        requirePositive("refresh-interval", this.refreshInterval);
        if (this.rotationPeriod.compareTo(this.publishAhead) <= 0) {
            throw new IllegalArgumentException("idp.keys.rotation-period must be longer than idp.keys.publish-ahead");
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("idp.keys." + name + " must be positive");
        }
    }

    /** Never shows the encryption key. */
    @Override
    public String toString() {
        return "KeyProperties[encryptionKey=" + (encryptionKey == null ? "unset" : "******")
                + ", rotationPeriod=" + rotationPeriod + ", publishAhead=" + publishAhead
                + ", retainAfterRetire=" + retainAfterRetire + ", refreshInterval=" + refreshInterval + "]";
    }
}
