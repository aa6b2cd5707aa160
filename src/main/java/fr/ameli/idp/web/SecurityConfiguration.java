package fr.ameli.idp.web;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
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

    /**
     * Endpoints of the main chain called by relying parties or the app, protected by client or bearer authentication
     * instead of CSRF (the OAuth endpoints have a chain of their own, {@link #PROTOCOL_ENDPOINTS}).
     */
    private static final ServerWebExchangeMatcher NO_CSRF = ServerWebExchangeMatchers.pathMatchers(
            "/logout", "/api/**", "/operator/**", "/actuator/**",
            // the development provider's token endpoint (embedded default only), called by our own HTTP client
            "/dev/federation/token");

    static final String POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "frame-ancestors 'none'; form-action 'self'";

    /** The headers of this class's chains and filter, for what answers in front of the pipeline. */
    @Bean
    SecurityHeaders securityHeaders(ObjectProvider<FormTargets> targets) {
        return new SecurityHeaders(new CspHeader(targets));
    }

    /**
     * The Content-Security-Policy of every response that has none of its own: forms post to this service only, and
     * the redirects that follow them may reach the registered relying parties and the federation provider, nothing
     * else (no {@code http:} or {@code https:} wildcard).
     *
     * <p>The {@link FormTargets} beans are looked up once (a bean factory lookup per response showed in the profile of
     * every endpoint) and the header is rebuilt only when their origins change ({@link CspHeader}).
     */
    @Bean
    WebFilter contentSecurityPolicy(SecurityHeaders securityHeaders) {
        CspHeader header = securityHeaders.contentSecurityPolicy();
        return (exchange, chain) -> {
            exchange.getResponse().beforeCommit(() -> {
                HttpHeaders headers = exchange.getResponse().getHeaders();
                if (!headers.containsHeader(CSP)) {
                    headers.set(CSP, header.value());
                }
                return Mono.empty();
            });
            return chain.filter(exchange);
        };
    }

    /**
     * The policy for the current form targets. Each {@link FormTargets} hands out the same immutable collection until
     * its origins change, so the header last built is kept with the collections it was built from and rebuilt only
     * when one of them is another instance: a response costs one identity check per source.
     */
    static final class CspHeader {

        private final ObjectProvider<FormTargets> provider;
        private volatile @Nullable List<FormTargets> targets;
        private volatile Built last = new Built(List.of(), POLICY);

        private record Built(List<Collection<String>> sources, String header) {

            boolean from(List<FormTargets> targets) {
                if (sources.size() != targets.size()) {
                    return false;
                }
                for (int i = 0; i < sources.size(); i++) {
                    if (sources.get(i) != targets.get(i).formTargetOrigins()) {
                        return false;
                    }
                }
                return true;
            }
        }

        CspHeader(ObjectProvider<FormTargets> provider) {
            this.provider = provider;
        }

        String value() {
            List<FormTargets> all = targets;
            if (all == null) { // at the first response, not at start: a source may be created after this filter
                all = provider.orderedStream().toList();
                targets = all;
            }
            Built built = last;
            if (!built.from(all)) {
                List<Collection<String>> sources = all.stream().map(FormTargets::formTargetOrigins).toList();
                Set<String> origins = new TreeSet<>();
                sources.forEach(origins::addAll);
                built = new Built(sources, origins.isEmpty() ? POLICY : POLICY + " " + String.join(" ", origins));
                last = built;
            }
            return built.header();
        }
    }

    static final String CSP = "Content-Security-Policy";

    /**
     * The OAuth endpoints: those a relying party calls with JSON answers, each authenticating its caller itself
     * (client authentication at /token, /revoke and /par, the access token at /userinfo), and the authorization
     * endpoint, which a browser reaches from a relying party and which answers with a redirect (to the relying party,
     * the login or the consent page) or an error page without a form. None keeps anything in a session or renders a
     * form, so that the CSRF, anonymous and authorization filters would only cost time on every call (the profiles of
     * userinfo, of the token exchange and of an SSO authorization showed them). Their responses get the same security
     * headers as every other response.
     */
    static final ServerWebExchangeMatcher PROTOCOL_ENDPOINTS = ServerWebExchangeMatchers.pathMatchers(
            "/token", "/userinfo", "/revoke", "/par", "/authorize");

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain protocolEndpointsFilterChain(ServerHttpSecurity http) {
        return headers(http.securityMatcher(PROTOCOL_ENDPOINTS))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .build();
    }

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
        ServerWebExchangeMatcher formPosts = ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, "/**");
        return headers(http)
                .authorizeExchange(auth -> auth.anyExchange().permitAll())
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .csrf(csrf -> csrf
                        // A cookie, HttpOnly: no script of ours reads it (forms carry the token in a hidden field).
                        .csrfTokenRepository(new CsrfTokens())
                        .accessDeniedHandler((exchange, denied) -> Mono.error(
                                new ResponseStatusException(HttpStatus.FORBIDDEN, "CSRF token missing or invalid")))
                        .requireCsrfProtectionMatcher(
                                new AndServerWebExchangeMatcher(formPosts, new NegatedServerWebExchangeMatcher(NO_CSRF))))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .build();
    }

    /** The security headers of every response, the same in both chains. */
    private static ServerHttpSecurity headers(ServerHttpSecurity http) {
        return http.headers(headers -> headers
                .frameOptions(frame -> frame.mode(Mode.DENY))
                .referrerPolicy(ref -> ref.policy(ReferrerPolicy.NO_REFERRER)));
    }
}
