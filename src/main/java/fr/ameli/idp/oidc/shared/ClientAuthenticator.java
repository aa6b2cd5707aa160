package fr.ameli.idp.oidc.shared;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.ratelimit.LimitProperties;
import fr.ameli.idp.ratelimit.RateLimiter;
import fr.ameli.idp.web.ClientAddress;
import fr.ameli.idp.web.error.OAuthException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * Client authentication at the token and revocation endpoints: {@code client_secret_basic},
 * {@code client_secret_post} and {@code private_key_jwt} (RFC 7523, OIDC Core §9), each only when the
 * client is registered for it. Exactly one method per request (RFC 6749 §2.3). Every failure is
 * {@code invalid_client}, with no hint of which part was wrong.
 *
 * <p>Secrets are limited ({@code idp.limits.client-secret}): wrong secrets are counted per {@code client_id} and per
 * client address; beyond either limit the secret is not checked and the answer is {@code invalid_client} with
 * {@code Retry-After} ({@link #secret}).
 */
@Component
public class ClientAuthenticator {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Set<JWSAlgorithm> ASSERTION_ALGS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256,
            JWSAlgorithm.PS256);
    private static final Duration MAX_ASSERTION_LIFETIME = Duration.ofMinutes(10);
    /** The jti is stored until the assertion expires (replay protection): bounded, as in the table (V10). */
    static final int MAX_JTI_LENGTH = 256;
    static final String SECRET_PER_CLIENT = "client-secret-client";
    static final String SECRET_PER_ADDRESS = "client-secret-address";
    private static final Logger log = LoggerFactory.getLogger(ClientAuthenticator.class);
    /** Bound of the clients and addresses remembered as closed (expired ones are dropped first). */
    private static final int MAX_CLOSED = 10_000;

    /** Clients and addresses closed by a limit on this instance, until when ("bucket|subject" → end of the window). */
    private final Map<String, Instant> closed = new ConcurrentHashMap<>();

    private final RelyingParties clients;
    private final DatabaseClient db;
    private final Clock clock;
    private final Set<String> audiences;
    private final RateLimiter limiter;
    private final LimitProperties.ClientSecret limits;

    ClientAuthenticator(RelyingParties clients, DatabaseClient db, Clock clock, IdpProperties properties,
            RateLimiter limiter, LimitProperties limits) {
        this.clients = clients;
        this.db = db;
        this.clock = clock;
        this.limiter = limiter;
        this.limits = limits.clientSecret();
        // RFC 9126 §2: the issuer is the audience at the PAR endpoint; its URL is accepted as the token endpoint's is.
        this.audiences = Set.of(properties.issuer(), properties.issuer() + "/token", properties.issuer() + "/par");
    }

    public Mono<RelyingParty> authenticate(ServerRequest request, Params params) {
        return authenticate(request.exchange().getRequest(), params);
    }

    /** As above, for a request answered in front of the pipeline (the token endpoint's, {@code DirectToken}). */
    public Mono<RelyingParty> authenticate(ServerHttpRequest request, Params params) {
        return Mono.defer(() -> {
            String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
            boolean basic = header != null && header.regionMatches(true, 0, "Basic ", 0, 6);
            boolean post = params.get("client_secret") != null;
            boolean assertion = params.get("client_assertion") != null || params.get("client_assertion_type") != null;
            if ((basic ? 1 : 0) + (post ? 1 : 0) + (assertion ? 1 : 0) > 1) {
                return Mono.error(OAuthException.invalidRequest("more than one client authentication method"));
            }
            if (basic) {
                return basic(request, header.substring(6).trim(), params);
            }
            if (assertion) {
                return privateKeyJwt(params);
            }
            String clientId = params.get("client_id");
            if (clientId == null) {
                return Mono.error(OAuthException.invalidClient("client authentication required"));
            }
            if (post) {
                return secret(request, clientId, params.required("client_secret"), ClientAuthenticationMethod.CLIENT_SECRET_POST);
            }
            return known(clientId).flatMap(rp -> rp.allows(ClientAuthenticationMethod.NONE) ? Mono.just(rp) : failed());
        });
    }

    private Mono<RelyingParty> basic(ServerHttpRequest request, String encoded, Params params) {
        String clientId;
        String secret;
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return failed();
            }
            // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
            clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return failed();
        }
        String bodyClientId = params.get("client_id");
        if (bodyClientId != null && !bodyClientId.equals(clientId)) {
            return failed();
        }
        return secret(request, clientId, secret, ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
    }

    /**
     * Compares a client secret within the limits. The comparison is cheap (a SHA-256 and a constant-time equality) and a
     * registered secret is a random value out of reach of guessing, so a right secret costs the token endpoint no
     * statement: only wrong secrets are counted (per client and per address, one statement). The try that reaches a
     * limit, and every one refused after it, teaches this instance that the client or the address is closed until the
     * window ends; from then on it refuses even a right secret, unchecked, with {@code Retry-After}. Another instance
     * learns it from the first wrong try it counts.
     */
    private Mono<RelyingParty> secret(ServerHttpRequest request, String clientId, String secret,
            ClientAuthenticationMethod method) {
        return Mono.defer(() -> {
            String address = ClientAddress.of(request);
            Instant now = clock.instant();
            Instant until = closedUntil(now, SECRET_PER_CLIENT + '|' + clientId, SECRET_PER_ADDRESS + '|' + address);
            if (until != null) {
                log.info("Client secret refused unchecked: limit reached");
                return refused(Duration.between(now, until));
            }
            return clients.find(clientId)
                    .filter(rp -> rp.allows(method) && rp.secretMatches(secret))
                    .switchIfEmpty(Mono.defer(() -> wrong(clientId, address)));
        });
    }

    /** Counts a wrong secret; refuses with {@code Retry-After} once a limit is reached, and remembers until when. */
    private Mono<RelyingParty> wrong(String clientId, String address) {
        return limiter.take(new RateLimiter.Counter(SECRET_PER_CLIENT, clientId, limits.perClient()),
                        new RateLimiter.Counter(SECRET_PER_ADDRESS, address, limits.perAddress()))
                .flatMap(permit -> {
                    Instant now = clock.instant();
                    for (RateLimiter.Taken taken : permit.taken()) {
                        if (taken.reached()) {
                            close(taken.counter().bucket() + '|' + taken.counter().subject(), taken.windowEnd(), now);
                        }
                    }
                    if (permit.refusal() != null) {
                        log.info("Client secret refused unchecked: limit {} reached", permit.refusal().counter().bucket());
                        return refused(permit.retryAfter(now));
                    }
                    return failed();
                });
    }

    private @Nullable Instant closedUntil(Instant now, String... keys) {
        Instant latest = null;
        for (String key : keys) {
            Instant until = closed.get(key);
            if (until != null && !until.isAfter(now)) {
                closed.remove(key, until);
            } else if (until != null && (latest == null || until.isAfter(latest))) {
                latest = until;
            }
        }
        return latest;
    }

    private void close(String key, Instant until, Instant now) {
        if (closed.size() >= MAX_CLOSED) {
            closed.values().removeIf(end -> !end.isAfter(now));
        }
        if (closed.size() < MAX_CLOSED) {
            closed.merge(key, until, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    private static Mono<RelyingParty> refused(Duration wait) {
        return Mono.error(OAuthException.invalidClient("too many failed client authentications; retry later", wait));
    }

    private Mono<RelyingParty> privateKeyJwt(Params params) {
        if (!JWT_BEARER.equals(params.get("client_assertion_type")) || params.get("client_assertion") == null) {
            return failed();
        }
        JWTClaimsSet unverified;
        try {
            unverified = com.nimbusds.jwt.SignedJWT.parse(params.required("client_assertion")).getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            // Nimbus throws NullPointerException, not ParseException, for a header or claims that are JSON null.
            return failed();
        }
        String clientId = unverified.getIssuer();
        if (clientId == null || (params.get("client_id") != null && !clientId.equals(params.get("client_id")))) {
            return failed();
        }
        return known(clientId).flatMap(rp -> {
            if (!rp.allows(ClientAuthenticationMethod.PRIVATE_KEY_JWT) || rp.jwks() == null) {
                return failed();
            }
            JWTClaimsSet claims = verifyAssertion(params.required("client_assertion"), rp);
            if (claims == null) {
                return failed();
            }
            return db.sql("insert into client_assertion (client_id, jti, expires_at) values (:client, :jti, :exp) "
                            + "on conflict do nothing")
                    .bind("client", clientId)
                    .bind("jti", claims.getJWTID())
                    .bind("exp", claims.getExpirationTime().toInstant())
                    .fetch().rowsUpdated()
                    // zero rows: this jti was already used (RFC 7523 §3 item 7)
                    .flatMap(inserted -> inserted > 0 ? Mono.just(rp) : failed());
        });
    }

    private @Nullable JWTClaimsSet verifyAssertion(String assertion, RelyingParty rp) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(rp.fapi() ? Set.of(JWSAlgorithm.ES256) : ASSERTION_ALGS,
                new ImmutableJWKSet<>(rp.jwks())));
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
        try {
            JWTClaimsSet claims = processor.process(assertion, null);
            Instant now = clock.instant();
            Date exp = claims.getExpirationTime();
            boolean valid = rp.clientId().equals(claims.getIssuer()) && rp.clientId().equals(claims.getSubject())
                    && claims.getAudience().stream().anyMatch(audiences::contains)
                    && claims.getJWTID() != null && !claims.getJWTID().isBlank()
                    && claims.getJWTID().length() <= MAX_JTI_LENGTH
                    && exp != null && exp.toInstant().isAfter(now.minusSeconds(30))
                    && exp.toInstant().isBefore(now.plus(MAX_ASSERTION_LIFETIME))
                    && (claims.getNotBeforeTime() == null || !claims.getNotBeforeTime().toInstant().isAfter(now.plusSeconds(30)));
            return valid ? claims : null;
        } catch (BadJOSEException | JOSEException | ParseException e) {
            return null;
        }
    }

    private Mono<RelyingParty> known(String clientId) {
        return clients.find(clientId).switchIfEmpty(Mono.defer(this::failed));
    }

    private Mono<RelyingParty> failed() {
        return Mono.error(OAuthException.invalidClient("client authentication failed"));
    }
}
