package fr.ameli.idp.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
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

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
        ServerWebExchangeMatcher formPosts = ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, "/**");
        return http
                .authorizeExchange(auth -> auth.anyExchange().permitAll())
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .csrf(csrf -> csrf
                        .csrfTokenRepository(CookieServerCsrfTokenRepository.withHttpOnlyFalse())
                        .accessDeniedHandler((exchange, denied) -> Mono.error(
                                new ResponseStatusException(HttpStatus.FORBIDDEN, "CSRF token missing or invalid")))
                        .requireCsrfProtectionMatcher(
                                new AndServerWebExchangeMatcher(formPosts, new NegatedServerWebExchangeMatcher(NO_CSRF))))
                .headers(headers -> headers
                        .frameOptions(frame -> frame.mode(Mode.DENY))
                        .referrerPolicy(ref -> ref.policy(ReferrerPolicy.NO_REFERRER))
                        .contentSecurityPolicy(csp -> csp.policyDirectives(
                                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                        + "form-action 'self' http: https:; frame-ancestors 'none'")))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .build();
    }
}
