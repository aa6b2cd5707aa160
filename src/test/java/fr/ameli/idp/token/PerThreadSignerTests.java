package fr.ameli.idp.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The signer that reuses one initialised {@code Signature} per thread gives what Nimbus's signers give: RS256
 * signatures equal byte for byte to {@code RSASSASigner}'s (PKCS#1 v1.5 is deterministic), ES256 signatures that
 * verify, in the JWS form and all different (ECDSA draws a nonce each time: a reused {@code Signature} that lost its
 * randomness or its state would show), from several threads at once; with the native provider and with the JDK's.
 */
class PerThreadSignerTests {

    private static final int THREADS = 4;
    private static final int PER_THREAD = 200;

    @ParameterizedTest(name = "native provider: {0}")
    @ValueSource(booleans = {true, false})
    void signWhenEs256FromSeveralThreadsThenEachVerifiesAndAllDiffer(boolean nativeProvider) throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
        Provider provider = nativeProvider ? SignatureProvider.forSigning() : null;
        PerThreadSigner signer = new PerThreadSigner(JWSAlgorithm.ES256,
                nativeProvider ? SignatureProvider.ownKey(ec.toECPrivateKey()) : ec.toECPrivateKey(), provider, new SecureRandom());
        ECDSAVerifier verifier = new ECDSAVerifier(ec.toPublicJWK());

        List<String> tokens = fromThreads(i -> {
            JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("{\"n\":" + i + "}"));
            jws.sign(signer);
            return jws.serialize();
        });

        Set<String> signatures = new HashSet<>();
        for (String token : tokens) {
            JWSObject parsed = JWSObject.parse(token);
            assertThat(parsed.verify(verifier)).as(token).isTrue();
            assertThat(parsed.getSignature().decode()).hasSize(64);
            signatures.add(parsed.getSignature().toString());
        }
        assertThat(signatures).hasSize(THREADS * PER_THREAD);
        // and one signature of one payload does not verify another's
        JWSObject first = JWSObject.parse(tokens.get(0));
        JWSObject second = JWSObject.parse(tokens.get(1));
        assertThat(new JWSObject(first.getHeader().toBase64URL(), second.getPayload().toBase64URL(), first.getSignature())
                .verify(verifier)).isFalse();
    }

    @ParameterizedTest(name = "native provider: {0}")
    @ValueSource(booleans = {true, false})
    void signWhenRs256FromSeveralThreadsThenNimbusesOwnSignatures(boolean nativeProvider) throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        Provider provider = nativeProvider ? SignatureProvider.forSigning() : null;
        PerThreadSigner signer = new PerThreadSigner(JWSAlgorithm.RS256,
                nativeProvider ? SignatureProvider.ownKey(rsa.toPrivateKey()) : rsa.toPrivateKey(), provider, new SecureRandom());
        RSASSASigner nimbus = new RSASSASigner(rsa);
        RSASSAVerifier verifier = new RSASSAVerifier(rsa.toPublicJWK());
        JWSHeader header = new JWSHeader(JWSAlgorithm.RS256);

        List<String> signatures = fromThreads(i -> signer.sign(header, input(i)).toString());

        for (int i = 0; i < signatures.size(); i++) {
            int n = i % PER_THREAD;
            assertThat(signatures.get(i)).isEqualTo(nimbus.sign(header, input(n)).toString());
            assertThat(verifier.verify(header, input(n), new Base64URL(signatures.get(i)))).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ES256", "RS256"})
    void signWhenHeaderNamesAnotherAlgorithmThenRefused(String name) throws Exception {
        JWSAlgorithm alg = JWSAlgorithm.parse(name);
        PerThreadSigner signer = alg.equals(JWSAlgorithm.ES256)
                ? new PerThreadSigner(alg, new ECKeyGenerator(Curve.P_256).generate().toECPrivateKey(), null, new SecureRandom())
                : new PerThreadSigner(alg, new RSAKeyGenerator(2048).generate().toPrivateKey(), null, new SecureRandom());
        JWSAlgorithm other = alg.equals(JWSAlgorithm.ES256) ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;

        assertThatThrownBy(() -> signer.sign(new JWSHeader(other), input(0))).isInstanceOf(JOSEException.class);
        assertThat(signer.supportedJWSAlgorithms()).containsExactly(alg);
    }

    private static byte[] input(int n) {
        return ("eyJhbGciOiJSUzI1NiJ9.payload-" + n).getBytes(StandardCharsets.US_ASCII);
    }

    @FunctionalInterface
    private interface Signing {
        String sign(int n) throws Exception;
    }

    /** {@code PER_THREAD} signatures on each of {@code THREADS} threads at once, in order of thread then n. */
    private static List<String> fromThreads(Signing signing) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Callable<List<String>> work = () -> {
                    List<String> out = new ArrayList<>();
                    for (int n = 0; n < PER_THREAD; n++) {
                        out.add(signing.sign(n));
                    }
                    return out;
                };
                futures.add(pool.submit(work));
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : futures) {
                all.addAll(f.get());
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The checks Nimbus's signers made on the key, made when a key is loaded: ES256 on P-256 only, RS256 from 2048 bits. */
    @org.junit.jupiter.api.Test
    void signerOfWhenKeyOfAnotherCurveOrTooShortThenRefused() throws Exception {
        SecureRandom random = new SecureRandom();
        assertThat(SigningKeys.signerOf(new ECKeyGenerator(Curve.P_256).generate(), random).supportedJWSAlgorithms())
                .containsExactly(JWSAlgorithm.ES256);
        assertThat(SigningKeys.signerOf(new RSAKeyGenerator(2048).generate(), random).supportedJWSAlgorithms())
                .containsExactly(JWSAlgorithm.RS256);
        assertThatThrownBy(() -> SigningKeys.signerOf(new ECKeyGenerator(Curve.P_384).generate(), random))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SigningKeys.signerOf(new RSAKeyGenerator(1024, true).generate(), random))
                .isInstanceOf(IllegalStateException.class);
    }
}
