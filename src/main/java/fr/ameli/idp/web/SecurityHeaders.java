package fr.ameli.idp.web;

import org.springframework.http.HttpHeaders;

/**
 * The security headers the pipeline gives a response over plain HTTP that sets its own {@code Cache-Control}: those of
 * Spring Security's chains (see SecurityConfiguration) and of the Content-Security-Policy filter, with the same policy.
 * For a response written in front of the pipeline (userinfo's bearer GET, the token endpoint's form post, the
 * authorization endpoint's GET), so that it carries the same headers: DirectUserinfoTests, DirectTokenTests and
 * DirectAuthorizeTests compare their answers with the pipeline's header by header, so that a header the chain adds to
 * such a response and this class does not fails the build.
 *
 * <p>Not written: {@code Strict-Transport-Security}, which Spring Security adds when the request's scheme is https.
 * Here that means TLS to this server, since the scheme is not taken from forwarding headers (TrustedProxyHeaders);
 * what answers in front of the pipeline leaves such requests to it. Should the scheme ever come from
 * {@code X-Forwarded-Proto}, this class would have to add HSTS too.
 */
public final class SecurityHeaders {

    private final SecurityConfiguration.CspHeader contentSecurityPolicy;

    SecurityHeaders(SecurityConfiguration.CspHeader contentSecurityPolicy) {
        this.contentSecurityPolicy = contentSecurityPolicy;
    }

    SecurityConfiguration.CspHeader contentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    /** Writes the headers into {@code headers}, replacing any of the same names. */
    public void writeTo(HttpHeaders headers) {
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-XSS-Protection", "0");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set(SecurityConfiguration.CSP, contentSecurityPolicy.value());
    }
}
