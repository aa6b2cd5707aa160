package fr.ameli.idp.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.security.Provider;
import org.junit.jupiter.api.Test;

/** The native provider signs on the build platforms, and what it signs verifies with the JDK's own verifiers. */
class SignatureProviderTests {

    @Test
    void forSigningWhenLinuxX8664ThenTheNativeProvider() {
        // The build machines and the image are Linux x86-64, the platform of the bundled library.
        SignatureProvider.loadInBackground(); // as the service's main does; the caller then waits for the same load
        Provider provider = SignatureProvider.forSigning();

        assertThat(provider).isNotNull();
        assertThat(provider.getName()).isEqualTo("AmazonCorrettoCryptoProvider");
    }

    @Test
    void signWhenNativeProviderThenTheJdkVerifiesAndRefusesAnotherPayload() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        ECDSASigner ecSigner = new ECDSASigner(ec);
        ecSigner.getJCAContext().setProvider(SignatureProvider.forSigning());
        RSASSASigner rsaSigner = new RSASSASigner(rsa);
        rsaSigner.getJCAContext().setProvider(SignatureProvider.forSigning());

        for (int i = 0; i < 20; i++) { // ECDSA signatures are randomised: several, each must verify
            JWSObject es256 = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("{\"n\":" + i + "}"));
            es256.sign(ecSigner);
            JWSObject parsed = JWSObject.parse(es256.serialize());
            assertThat(parsed.verify(new ECDSAVerifier(ec.toPublicJWK()))).isTrue();
            assertThat(JWSObject.parse(es256.serialize().replace(es256.getPayload().toBase64URL().toString(),
                    new Payload("{\"n\":-1}").toBase64URL().toString())).verify(new ECDSAVerifier(ec.toPublicJWK())))
                    .isFalse();
        }
        JWSObject rs256 = new JWSObject(new JWSHeader(JWSAlgorithm.RS256), new Payload("{}"));
        rs256.sign(rsaSigner);
        assertThat(JWSObject.parse(rs256.serialize()).verify(new RSASSAVerifier(rsa.toPublicJWK()))).isTrue();
    }

    @Test
    void ownKeyWhenJdkKeyThenTheProvidersKeyThatSignsForTheSamePublicKey() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
        RSAKey rsa = new RSAKeyGenerator(2048).generate();

        java.security.PrivateKey ecKey = SignatureProvider.ownKey(ec.toECPrivateKey());
        java.security.PrivateKey rsaKey = SignatureProvider.ownKey(rsa.toPrivateKey());

        assertThat(ecKey.getClass().getName()).startsWith("com.amazon.corretto.crypto.provider.");
        assertThat(rsaKey.getClass().getName()).startsWith("com.amazon.corretto.crypto.provider.");
        ECDSASigner ecSigner = new ECDSASigner((java.security.interfaces.ECPrivateKey) ecKey);
        ecSigner.getJCAContext().setProvider(SignatureProvider.forSigning());
        RSASSASigner rsaSigner = new RSASSASigner(rsaKey);
        rsaSigner.getJCAContext().setProvider(SignatureProvider.forSigning());
        JWSObject es256 = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("{}"));
        es256.sign(ecSigner);
        JWSObject rs256 = new JWSObject(new JWSHeader(JWSAlgorithm.RS256), new Payload("{}"));
        rs256.sign(rsaSigner);
        assertThat(JWSObject.parse(es256.serialize()).verify(new ECDSAVerifier(ec.toPublicJWK()))).isTrue();
        assertThat(JWSObject.parse(rs256.serialize()).verify(new RSASSAVerifier(rsa.toPublicJWK()))).isTrue();
        assertThat(JWSObject.parse(es256.serialize()).verify(new ECDSAVerifier(new ECKeyGenerator(Curve.P_256).generate()
                .toPublicJWK()))).isFalse();
    }
}
