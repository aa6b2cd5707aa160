package fr.ameli.idp.web.error;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A protocol error. {@code description} is English ASCII for developers (RFC 6749 §5.2); it never
 * holds a token, a code or personal data. {@link #redirectTo} is set only once the client and its
 * redirect URI are validated, so that an error may be sent back to the client (OIDC Core 3.1.2.6).
 */
public final class OAuthException extends IdpException {

    private final OAuthError error;
    private final @Nullable Redirect redirect;
    private final @Nullable Duration retryAfter;

    /** Where an authorization error goes back to: the validated redirect URI, with the request's state. */
    public record Redirect(String redirectUri, @Nullable String state) {
    }

    public OAuthException(OAuthError error, String description) {
        this(error, description, null, null, null);
    }

    private OAuthException(OAuthError error, String description, @Nullable Redirect redirect, @Nullable Throwable cause,
            @Nullable Duration retryAfter) {
        super(description, cause);
        this.error = error;
        this.redirect = redirect;
        this.retryAfter = retryAfter;
    }

    public static OAuthException invalidRequest(String description) {
        return new OAuthException(OAuthError.INVALID_REQUEST, description);
    }

    public static OAuthException invalidClient(String description) {
        return new OAuthException(OAuthError.INVALID_CLIENT, description);
    }

    /** A client refused by a limit, unchecked: the JSON error carries {@code Retry-After} ({@code wait}). */
    public static OAuthException invalidClient(String description, Duration wait) {
        return new OAuthException(OAuthError.INVALID_CLIENT, description, null, null, wait);
    }

    public static OAuthException invalidGrant(String description) {
        return new OAuthException(OAuthError.INVALID_GRANT, description);
    }

    public static OAuthException invalidToken(String description) {
        return new OAuthException(OAuthError.INVALID_TOKEN, description);
    }

    /** The same error, now allowed to go back to the client's validated redirect URI. */
    public OAuthException redirectTo(String redirectUri, @Nullable String state) {
        return new OAuthException(error, getMessage(), new Redirect(redirectUri, state), getCause(), retryAfter);
    }

    public OAuthError error() {
        return error;
    }

    public String description() {
        return getMessage();
    }

    public @Nullable Redirect redirect() {
        return redirect;
    }

    /** How long a client refused by a limit waits; null when no limit refused it. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
