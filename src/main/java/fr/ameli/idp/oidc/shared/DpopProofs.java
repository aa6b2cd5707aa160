package fr.ameli.idp.oidc.shared;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.ameli.idp.platform.Secrets;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * DPoP proofs (RFC 9449) at the token and userinfo endpoints. A proof is one {@code DPoP} header: a JWT of type
 * {@code dpop+jwt}, signed (ES256, RS256 or PS256) by the public key in its {@code jwk} header, whose {@code htm}
 * and {@code htu} name this request, {@code iat} within a minute, a server {@code nonce}, at userinfo the
 * {@code ath} of the access token; its {@code jti} is used once on every replica (table {@code dpop_proof},
 * unique key). The nonce is HMAC(server secret, 5-minute slot): any replica checks it, the current and previous
 * slot are accepted. The result is the key's SHA-256 thumbprint ({@code jkt}), to which the access token is bound.
 */
@Component
public class DpopProofs {

    public static final String HEADER = "DPoP";
    public static final String NONCE_HEADER = "DPoP-Nonce";
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256, JWSAlgorithm.PS256);
    private static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final long NONCE_SLOT_SECONDS = 300;
    private static final int MAX_JTI = 256;

    /** A refused proof: {@code invalid_dpop_proof} or {@code use_dpop_nonce} (with a fresh nonce to retry with). */
    public static final class DpopException extends RuntimeException {
        private final String code;
        private final String nonce;

        DpopException(String code, String description, String nonce) {
            super(description);
            this.code = code;
            this.nonce = nonce;
        }

        public String code() {
            return code;
        }

        /** At the token endpoint: 400 with the JSON error (RFC 9449 §5, §8). */
        public Mono<ServerResponse> tokenEndpointResponse() {
            return ServerResponse.badRequest().contentType(MediaType.APPLICATION_JSON)
                    .header(NONCE_HEADER, nonce).header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .bodyValue("{\"error\":\"" + code + "\",\"error_description\":\"" + getMessage() + "\"}");
        }

        /** At a protected resource: 401 with the DPoP challenge (RFC 9449 §7.1, §9). */
        public Mono<ServerResponse> resourceResponse() {
            return ServerResponse.status(HttpStatus.UNAUTHORIZED).header(NONCE_HEADER, nonce)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "DPoP error=\"" + code + "\", error_description=\""
                            + getMessage() + "\", algs=\"ES256 RS256 PS256\"")
                    .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
        }
    }

    private final DatabaseClient db;
    private final Clock clock;
    private final PairwiseSubject hmac;

    DpopProofs(DatabaseClient db, Clock clock, PairwiseSubject hmac) {
        this.db = db;
        this.clock = clock;
        this.hmac = hmac;
    }

    /** The nonce of the current slot. */
    public String nonce() {
        return nonce(clock.instant().getEpochSecond() / NONCE_SLOT_SECONDS);
    }

    private String nonce(long slot) {
        return hmac.of("#dpop-nonce", Long.toString(slot));
    }

    public DpopException refused(String description) {
        return new DpopException("invalid_dpop_proof", description, nonce());
    }

    /**
     * Verifies the proof for {@code method} on {@code endpoint}; {@code accessToken} at a resource (its hash must be
     * the {@code ath}). Emits the key's thumbprint, or DpopException.
     */
    public Mono<String> verify(ServerRequest request, String method, String endpoint, @Nullable String accessToken) {
        return verify(request, method, endpoint, accessToken, ALGORITHMS);
    }

    /** As above, with only {@code algorithms} accepted (ES256 for a FAPI profile RP). */
    public Mono<String> verify(ServerRequest request, String method, String endpoint, @Nullable String accessToken,
            Set<JWSAlgorithm> algorithms) {
        return verify(request.headers().asHttpHeaders(), method, endpoint, accessToken, algorithms);
    }

    /** As above, from the request's headers (a request answered in front of the pipeline). */
    public Mono<String> verify(HttpHeaders requestHeaders, String method, String endpoint, @Nullable String accessToken,
            Set<JWSAlgorithm> algorithms) {
        return Mono.defer(() -> {
            List<String> headers = requestHeaders.getOrEmpty(HEADER);
            if (headers.size() != 1) {
                return Mono.error(refused(headers.isEmpty() ? "DPoP proof required" : "one DPoP proof only"));
            }
            Checked checked = check(headers.get(0), method, endpoint, accessToken, algorithms);
            return db.sql("insert into dpop_proof (jkt, jti, expires_at) values (:jkt, :jti, :expires) "
                            + "on conflict do nothing")
                    .bind("jkt", checked.jkt())
                    .bind("jti", checked.jti())
                    .bind("expires", checked.iat().plus(WINDOW).plus(WINDOW))
                    .fetch().rowsUpdated()
                    .flatMap(n -> n == 1 ? Mono.just(checked.jkt()) : Mono.error(refused("DPoP proof replayed")));
        });
    }

    private record Checked(String jkt, String jti, Instant iat) {
    }

    private Checked check(String proof, String method, String endpoint, @Nullable String accessToken,
            Set<JWSAlgorithm> algorithms) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(proof);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw refused("DPoP proof is not a signed JWT");
        }
        JWK key = jwt.getHeader().getJWK();
        if (!TYPE.equals(jwt.getHeader().getType()) || !algorithms.contains(jwt.getHeader().getAlgorithm())
                || key == null || key.isPrivate() || !(key instanceof AsymmetricJWK)) {
            throw refused("DPoP proof header: typ dpop+jwt, an asymmetric alg and a public jwk");
        }
        try {
            JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(),
                    ((AsymmetricJWK) key).toPublicKey());
            if (!jwt.verify(verifier)) {
                throw refused("DPoP proof signature does not verify");
            }
        } catch (JOSEException e) {
            throw refused("DPoP proof signature does not verify");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI) {
            throw refused("DPoP proof jti missing");
        }
        if (!method.equals(string(claims, "htm"))) {
            throw refused("DPoP proof htm does not match");
        }
        if (!endpoint.equals(withoutQuery(string(claims, "htu")))) {
            throw refused("DPoP proof htu does not match");
        }
        Instant now = clock.instant();
        if (claims.getIssueTime() == null || claims.getIssueTime().toInstant().isBefore(now.minus(WINDOW))
                || claims.getIssueTime().toInstant().isAfter(now.plus(WINDOW))) {
            throw refused("DPoP proof iat out of window");
        }
        if (accessToken != null && !Base64URL.encode(Secrets.sha256(accessToken)).toString().equals(string(claims, "ath"))) {
            throw refused("DPoP proof ath does not match the access token");
        }
        String nonce = string(claims, "nonce");
        long slot = now.getEpochSecond() / NONCE_SLOT_SECONDS;
        if (nonce == null || !(nonce.equals(nonce(slot)) || nonce.equals(nonce(slot - 1)))) {
            throw new DpopException("use_dpop_nonce", "DPoP proof needs the server nonce", nonce(slot));
        }
        try {
            return new Checked(key.computeThumbprint().toString(), jti, claims.getIssueTime().toInstant());
        } catch (JOSEException e) {
            throw refused("DPoP proof jwk unusable");
        }
    }

    private static @Nullable String string(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s ? s : null;
    }

    private static @Nullable String withoutQuery(@Nullable String htu) {
        if (htu == null) {
            return null;
        }
        try {
            URI u = URI.create(htu);
            return new URI(u.getScheme(), u.getAuthority(), u.getPath(), null, null).toString();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return null;
        }
    }
}
