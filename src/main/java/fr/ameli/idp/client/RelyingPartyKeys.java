package fr.ameli.idp.client;

import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import fr.ameli.idp.platform.IdpProperties;
import io.netty.channel.ChannelOption;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The encryption keys of relying parties: from the registered {@code jwks}, or from the RP's {@code jwks_uri},
 * fetched with the reactive WebClient (never blocking an event loop), kept {@code idp.oidc.rp-jwks-cache-ttl}
 * (5 min) and fetched again at once when the cached set holds no usable key. A key the RP no longer publishes is
 * thus never used past the cache lifetime, and a new key is found at the first request that needs it.
 */
@Component
public class RelyingPartyKeys {

    private static final Logger log = LoggerFactory.getLogger(RelyingPartyKeys.class);
    private static final int MAX_JWKS_BYTES = 64 * 1024;

    /** No key of the RP suits the registered algorithm (none published, or only signing keys). */
    public static final class NoUsableKeyException extends RuntimeException {
        NoUsableKeyException(String message) {
            super(message);
        }
    }

    private record Fetched(JWKSet keys, Instant at) {
    }

    private final Map<URI, Fetched> cache = new ConcurrentHashMap<>();
    private final WebClient http;
    private final Clock clock;
    private final Duration ttl;

    RelyingPartyKeys(Clock clock, IdpProperties properties) {
        this.clock = clock;
        this.ttl = properties.oidc().rpJwksCacheTtl();
        HttpClient client = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3_000)
                .responseTimeout(Duration.ofSeconds(5));
        this.http = WebClient.builder().clientConnector(new ReactorClientHttpConnector(client))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(MAX_JWKS_BYTES)).build();
    }

    /** The public key to encrypt to with {@code alg}, or NoUsableKeyException. */
    public Mono<JWK> encryptionKey(RelyingParty rp, JWEAlgorithm alg) {
        Optional<JWK> registered = rp.jwks() == null ? Optional.empty() : usable(rp.jwks(), alg);
        if (registered.isPresent() || rp.jwksUri() == null) {
            return Mono.justOrEmpty(registered).switchIfEmpty(Mono.error(() -> noKey(rp, alg)));
        }
        URI uri = rp.jwksUri();
        Fetched cached = cache.get(uri);
        if (cached != null && cached.at().plus(ttl).isAfter(clock.instant())) {
            Optional<JWK> key = usable(cached.keys(), alg);
            if (key.isPresent()) {
                return Mono.just(key.get());
            }
        }
        return fetch(uri).flatMap(keys -> Mono.justOrEmpty(usable(keys, alg)))
                .switchIfEmpty(Mono.error(() -> noKey(rp, alg)));
    }

    private Mono<JWKSet> fetch(URI uri) {
        return http.get().uri(uri).retrieve().bodyToMono(String.class)
                .timeout(Duration.ofSeconds(8))
                .map(body -> {
                    try {
                        return JWKSet.parse(body);
                    } catch (java.text.ParseException e) {
                        throw new NoUsableKeyException("jwks_uri did not answer a JWK set");
                    }
                })
                .doOnNext(keys -> cache.put(uri, new Fetched(keys, clock.instant())))
                .onErrorMap(e -> !(e instanceof NoUsableKeyException), e -> {
                    log.warn("Fetching a relying party's jwks_uri failed: {}", e.getClass().getSimpleName());
                    return new NoUsableKeyException("jwks_uri unreachable");
                });
    }

    private static Optional<JWK> usable(JWKSet keys, JWEAlgorithm alg) {
        KeyType type = JWEAlgorithm.Family.ECDH_ES.contains(alg) ? KeyType.EC : KeyType.RSA;
        return keys.getKeys().stream()
                .filter(k -> k.getKeyType().equals(type))
                .filter(k -> k.getKeyUse() == null || KeyUse.ENCRYPTION.equals(k.getKeyUse()))
                .filter(k -> k.getAlgorithm() == null || alg.equals(k.getAlgorithm()))
                .map(JWK::toPublicJWK)
                .findFirst();
    }

    private static NoUsableKeyException noKey(RelyingParty rp, @Nullable JWEAlgorithm alg) {
        return new NoUsableKeyException("client " + rp.clientId() + " publishes no " + alg + " encryption key");
    }
}
