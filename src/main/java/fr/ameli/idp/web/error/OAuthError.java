package fr.ameli.idp.web.error;

import org.springframework.http.HttpStatus;

/** The RFC 6749 / OIDC Core / RFC 6750 error codes this service emits, each with its HTTP status. */
public enum OAuthError {
    INVALID_REQUEST("invalid_request", HttpStatus.BAD_REQUEST),
    INVALID_CLIENT("invalid_client", HttpStatus.UNAUTHORIZED),
    INVALID_GRANT("invalid_grant", HttpStatus.BAD_REQUEST),
    UNAUTHORIZED_CLIENT("unauthorized_client", HttpStatus.BAD_REQUEST),
    UNSUPPORTED_GRANT_TYPE("unsupported_grant_type", HttpStatus.BAD_REQUEST),
    UNSUPPORTED_RESPONSE_TYPE("unsupported_response_type", HttpStatus.BAD_REQUEST),
    UNSUPPORTED_TOKEN_TYPE("unsupported_token_type", HttpStatus.BAD_REQUEST),
    INVALID_SCOPE("invalid_scope", HttpStatus.BAD_REQUEST),
    INVALID_TOKEN("invalid_token", HttpStatus.UNAUTHORIZED),
    INSUFFICIENT_SCOPE("insufficient_scope", HttpStatus.FORBIDDEN),
    LOGIN_REQUIRED("login_required", HttpStatus.BAD_REQUEST),
    CONSENT_REQUIRED("consent_required", HttpStatus.BAD_REQUEST),
    INTERACTION_REQUIRED("interaction_required", HttpStatus.BAD_REQUEST),
    ACCESS_DENIED("access_denied", HttpStatus.FORBIDDEN),
    REQUEST_NOT_SUPPORTED("request_not_supported", HttpStatus.BAD_REQUEST),
    REQUEST_URI_NOT_SUPPORTED("request_uri_not_supported", HttpStatus.BAD_REQUEST),
    TEMPORARILY_UNAVAILABLE("temporarily_unavailable", HttpStatus.SERVICE_UNAVAILABLE),
    SERVER_ERROR("server_error", HttpStatus.INTERNAL_SERVER_ERROR);

    private final String code;
    private final HttpStatus status;

    OAuthError(String code, HttpStatus status) {
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public HttpStatus status() {
        return status;
    }
}
