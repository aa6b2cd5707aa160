package fr.ameli.idp.oidc.shared;

import fr.ameli.idp.platform.IdpProperties;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Pairwise subject identifiers (OIDC Core §8.1): HMAC-SHA256(server secret, sector | person), in hex.
 * Stable for one person and sector, unrelated across sectors, and neither the NIR nor derivable from it
 * without the secret (the NIR space is small enough to enumerate, so a plain hash would not do).
 */
@Component
public class PairwiseSubject {

    private final Mac prototype;

    PairwiseSubject(IdpProperties properties) {
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(properties.subject().requiredPairwiseSecret().getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param personKey the person's stable identifier (the 13-character NIR), never exposed. */
    public String of(String sector, String personKey) {
        try {
            Mac mac = (Mac) prototype.clone();
            byte[] digest = mac.doFinal((sector + "|" + personKey).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}
