package fr.ameli.idp.session;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A person's login at this provider, shared by every relying party (SSO) until it expires or they log out.
 * {@code idHash} is the SHA-256 of the cookie value; the cookie value itself is never stored.
 */
public record LoginSession(byte[] idHash, UUID accountId, Instant authTime, List<String> amr, String acr,
        @Nullable String federationIdToken, Instant expiresAt) {

    public LoginSession {
        amr = List.copyOf(amr);
    }

    @Override
    public String toString() {
        return "LoginSession[account=" + accountId + ", authTime=" + authTime + "]";
    }
}
