package fr.ameli.idp.oidc.shared;

import fr.ameli.idp.platform.Secrets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What an authorization code stands for: everything the token endpoint checks (client, redirect URI, PKCE challenge,
 * expiry) and puts in the tokens (person, scope, nonce, authentication), and {@code sid}, the session as this client
 * knows it (Back-Channel Logout 1.0 §2.1). {@link AuthorizationCodes} seals it into the code itself.
 *
 * @param id the code's single-use key: 16 random bytes, kept with the access token its exchange issues (unique), so
 *        that a second exchange finds it taken
 * @param redirectUriHash SHA-256 of the redirect URI: only its equality with the token request's is checked, and a
 *        hash keeps a code's length apart from the URI's
 */
public record AuthorizationCode(byte[] id, String clientId, byte[] redirectUriHash, UUID accountId, String scope,
        String nonce, @Nullable String codeChallenge, Instant authTime, String acr, List<String> amr,
        boolean amrRequested, Instant issuedAt, Instant expiresAt, @Nullable String sid) {

    public AuthorizationCode {
        amr = List.copyOf(amr);
    }

    /** The value of {@code redirectUriHash} for {@code redirectUri}. */
    public static byte[] hashOf(String redirectUri) {
        return Secrets.sha256(redirectUri);
    }

    /** Whether the code was issued for this redirect URI (RFC 6749 §4.1.3: the same value, exactly). */
    public boolean redirectsTo(String redirectUri) {
        return MessageDigest.isEqual(redirectUriHash, hashOf(redirectUri));
    }
}
