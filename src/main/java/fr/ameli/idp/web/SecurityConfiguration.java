package fr.ameli.idp.web;

import java.util.Set;
import java.util.TreeSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter.Mode;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * Spring Security supplies the HTTP hardening only: headers and CSRF for the French web forms.
 * Authentication is ours (login sessions in PostgreSQL, OIDC client authentication per endpoint),
 * so nothing is kept in a {@code WebSession}: every replica can serve every request.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** Endpoints called by relying parties or the app, protected by client or bearer authentication instead of CSRF. */
    private static final ServerWebExchangeMatcher NO_CSRF = ServerWebExchangeMatchers.pathMatchers(
            "/token", "/par", "/userinfo", "/revoke", "/authorize", "/logout", "/api/**", "/operator/**", "/actuator/**",
            // the development provider's token endpoint (embedded default only), called by our own HTTP client
            "/dev/federation/token");

    static final String POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "frame-ancestors 'none'; form-action 'self'";

    /**
     * The Content-Security-Policy of every response that has none of its own: forms post to this service only, and
     * the redirects that follow them may reach the registered relying parties and the federation provider, nothing
     * else (no {@code http:} or {@code https:} wildcard).
     */
    @Bean
    WebFilter contentSecurityPolicy(ObjectProvider<FormTargets> targets) {
        return (exchange, chain) -> {
            exchange.getResponse().beforeCommit(() -> {
                HttpHeaders headers = exchange.getResponse().getHeaders();
                if (!headers.containsHeader(CSP)) {
                    Set<String> origins = new TreeSet<>();
                    targets.orderedStream().forEach(t -> origins.addAll(t.formTargetOrigins()));
                    headers.set(CSP, origins.isEmpty() ? POLICY : POLICY + " " + String.join(" ", origins));
                }
                return Mono.empty();
            });
            return chain.filter(exchange);
        };
    }

    private static final String CSP = "Content-Security-Policy";

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
        ServerWebExchangeMatcher formPosts = ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, "/**");
        return http
                .authorizeExchange(auth -> auth.anyExchange().permitAll())
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .csrf(csrf -> csrf
                        // HttpOnly: no script of ours reads it (forms carry the token in a hidden field).
                        .csrfTokenRepository(new CookieServerCsrfTokenRepository())
                        .accessDeniedHandler((exchange, denied) -> Mono.error(
                                new ResponseStatusException(HttpStatus.FORBIDDEN, "CSRF token missing or invalid")))
                        .requireCsrfProtectionMatcher(
                                new AndServerWebExchangeMatcher(formPosts, new NegatedServerWebExchangeMatcher(NO_CSRF))))
                .headers(headers -> headers
                        .frameOptions(frame -> frame.mode(Mode.DENY))
                        .referrerPolicy(ref -> ref.policy(ReferrerPolicy.NO_REFERRER)))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .build();
    }
}
