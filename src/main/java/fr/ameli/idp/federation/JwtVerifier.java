package fr.ameli.idp.federation;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import reactor.core.publisher.Mono;

/**
 * The signature of the provider's JWTs (ID token, signed userinfo), with Nimbus: only the registered
 * algorithm is accepted (FRANCECONNECT.md B.5: never {@code none}, never a switch, e.g. to HS256 keyed
 * with the public key); the key comes from the provider's JWKS, re-read once when the token names a key
 * the cached set lacks (rotation). HS256 is FranceConnect v1's legacy mode: keyed with the client secret,
 * and accepted only when it is the registered algorithm. Claims are checked afterwards, with the service's
 * clock ({@link IdTokenValidator}). Verifying is CPU work short enough to run inline (as Spring Security's
 * {@code NimbusReactiveJwtDecoder} does).
 */
final class JwtVerifier {

    private JwtVerifier() {
    }

    static Mono<JWTClaimsSet> verify(String token, JWSAlgorithm registered, ProviderClient.Connection provider) {
        return Mono.defer(() -> {
            JWT jwt;
            try {
                jwt = JWTParser.parse(token);
            } catch (ParseException e) {
                return Mono.error(ProviderFailure.of(ProviderFailure.Reason.MALFORMED_RESPONSE, "jwt"));
            }
            if (!(jwt instanceof SignedJWT signed)) {
                // alg "none" (PlainJWT) or an encrypted token: neither is what the client is registered for.
                return Mono.error(ProviderFailure.of(ProviderFailure.Reason.UNSUPPORTED_ALG, "not signed"));
            }
            JWSAlgorithm alg = signed.getHeader().getAlgorithm();
            if (!registered.equals(alg)) {
                return Mono.error(ProviderFailure.of(ProviderFailure.Reason.UNSUPPORTED_ALG, alg.getName()));
            }
            if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
                byte[] secret = provider.config().clientSecret().getBytes(StandardCharsets.UTF_8);
                return Mono.fromCallable(() -> process(signed, registered, new ImmutableSecret<>(secret)));
            }
            return provider.jwks()
                    .flatMap(keys -> holds(keys, signed.getHeader()) ? Mono.just(keys) : provider.refreshJwks())
                    .map(keys -> {
                        if (!holds(keys, signed.getHeader())) {
                            throw ProviderFailure.of(ProviderFailure.Reason.UNKNOWN_KEY);
                        }
                        return process(signed, registered, new ImmutableJWKSet<>(keys));
                    });
        });
    }

    private static boolean holds(JWKSet keys, JWSHeader header) {
        JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
        return matcher != null && !new JWKSelector(matcher).select(keys).isEmpty();
    }

    private static JWTClaimsSet process(SignedJWT jwt, JWSAlgorithm registered, JWKSource<SecurityContext> keys) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(registered, keys));
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
        try {
            return processor.process(jwt, null);
        } catch (BadJWSException e) {
            throw ProviderFailure.of(ProviderFailure.Reason.BAD_SIGNATURE);
        } catch (BadJOSEException e) {
            throw ProviderFailure.of(ProviderFailure.Reason.UNKNOWN_KEY, null, e);
        } catch (JOSEException e) {
            throw ProviderFailure.of(ProviderFailure.Reason.BAD_SIGNATURE, null, e);
        }
    }
}
