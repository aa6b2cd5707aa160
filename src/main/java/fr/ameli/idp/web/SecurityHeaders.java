package fr.ameli.idp.web;

import org.springframework.http.HttpHeaders;

/**
 * The security headers the pipeline gives a response over plain HTTP that sets its own {@code Cache-Control}: those
 * of Spring Security's chain (see SecurityConfiguration) and the Content-Security-Policy filter. For a
 * response written in front of the pipeline (userinfo's bearer GET), so that it carries the same headers; a test
 * compares the two answers header by header, so that a header added to the chain and not here fails the build.
 *
 * <p>Not written: {@code Strict-Transport-Security}, which Spring Security adds only to requests that came over TLS to
 * this server (behind the ingress they never do); what answers in front of the pipeline leaves TLS requests to it.
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
