package fr.ameli.idp.federation;

import fr.ameli.idp.web.error.UpstreamException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Why talking to the provider failed, as a reason code fit for logs: never a subject, a name, a token or
 * a provider message. It travels as the cause of an {@link UpstreamException} (the one failure type that
 * pages render), and the routes turn it into « Création / Connexion via FranceConnect impossible pour le
 * moment » with the status of the reason.
 */
final class ProviderFailure extends RuntimeException {

    enum Reason {
        /** No provider configured. */
        NOT_CONFIGURED("not_configured", HttpStatus.SERVICE_UNAVAILABLE),
        UNREACHABLE("unreachable", HttpStatus.SERVICE_UNAVAILABLE),
        TIMEOUT("timeout", HttpStatus.SERVICE_UNAVAILABLE),
        /** A 5xx answer. */
        SERVER_ERROR("server_error", HttpStatus.SERVICE_UNAVAILABLE),
        /** Another non-2xx answer (3xx, 4xx other than a token error). */
        HTTP_ERROR("http_error", HttpStatus.BAD_GATEWAY),
        /** Not the expected content type, not JSON, a required member missing or mistyped. */
        MALFORMED_RESPONSE("malformed_response", HttpStatus.BAD_GATEWAY),
        /** The discovery document does not name this issuer or lacks an endpoint. */
        INVALID_METADATA("invalid_metadata", HttpStatus.BAD_GATEWAY),
        /** The token endpoint refused the code (RFC 6749 §5.2 error). */
        TOKEN_REJECTED("token_rejected", HttpStatus.BAD_GATEWAY),
        /** The callback carried {@code error} (access_denied, login_required…). */
        PROVIDER_ERROR("provider_error", HttpStatus.BAD_GATEWAY),
        /** The callback carried neither a code nor an error. */
        MISSING_CODE("missing_code", HttpStatus.BAD_GATEWAY),
        /** {@code alg} is none, or not the registered one. */
        UNSUPPORTED_ALG("unsupported_alg", HttpStatus.BAD_GATEWAY),
        /** No key of the provider's JWKS (even re-read) matches the token's header. */
        UNKNOWN_KEY("unknown_key", HttpStatus.BAD_GATEWAY),
        BAD_SIGNATURE("bad_signature", HttpStatus.BAD_GATEWAY),
        WRONG_ISSUER("wrong_issuer", HttpStatus.BAD_GATEWAY),
        WRONG_AUDIENCE("wrong_audience", HttpStatus.BAD_GATEWAY),
        EXPIRED("expired", HttpStatus.BAD_GATEWAY),
        BAD_ISSUE_TIME("bad_issue_time", HttpStatus.BAD_GATEWAY),
        WRONG_NONCE("wrong_nonce", HttpStatus.BAD_GATEWAY),
        ACR_TOO_LOW("acr_too_low", HttpStatus.BAD_GATEWAY),
        MISSING_SUBJECT("missing_subject", HttpStatus.BAD_GATEWAY),
        /** Userinfo is JSON where a signed JWT is registered, or the other way round. */
        USERINFO_FORMAT("userinfo_format", HttpStatus.BAD_GATEWAY),
        USERINFO_SUBJECT_MISMATCH("userinfo_subject_mismatch", HttpStatus.BAD_GATEWAY),
        /** A claim of the identity pivot is missing or badly formatted (FRANCECONNECT.md, claims table). */
        INVALID_PIVOT("invalid_pivot", HttpStatus.BAD_GATEWAY);

        private final String code;
        private final HttpStatus status;

        Reason(String code, HttpStatus status) {
            this.code = code;
            this.status = status;
        }

        String code() {
            return code;
        }

        HttpStatus status() {
            return status;
        }
    }

    private final Reason reason;

    private ProviderFailure(Reason reason, @Nullable String detail, @Nullable Throwable cause) {
        super(detail == null ? reason.code() : reason.code() + " (" + detail + ")", cause, false, false);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }

    /** The failure as the service's upstream error. {@code detail} must hold no personal data (a claim name, a status). */
    static UpstreamException of(Reason reason, @Nullable String detail, @Nullable Throwable cause) {
        ProviderFailure failure = new ProviderFailure(reason, detail, cause);
        return new UpstreamException(UpstreamException.Upstream.FEDERATED_PROVIDER, failure.getMessage(), failure);
    }

    static UpstreamException of(Reason reason) {
        return of(reason, null, null);
    }

    static UpstreamException of(Reason reason, String detail) {
        return of(reason, detail, null);
    }

    /** The reason behind an upstream failure of the provider, if it is one. */
    static @Nullable Reason reasonOf(Throwable error) {
        return error instanceof UpstreamException e && e.getCause() instanceof ProviderFailure f ? f.reason() : null;
    }
}
