package fr.ameli.idp.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.client.ClientProperties;
import fr.ameli.idp.client.RelyingParties;
import java.net.URI;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * DPoP (RFC 9449) at the token and userinfo endpoints, with the Nimbus SDK as the relying party building its
 * proofs with its own key, over real HTTP; and every refusal the RFC asks for.
 */
@IdpIntegrationTest
class DpopTests {

    static final String DPOP_CLIENT = "rp-dpop-only";
    static final String DPOP_SECRET = "dpop-only-secret-0123456789abcdef0123456789";

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.r2dbc.core.DatabaseClient db;

    @Autowired
    RelyingParties relyingParties;

    OidcTestClient rp;
    ECKey rpKey;
    DefaultDPoPProofFactory proofs;

    @BeforeEach
    void setUp() throws Exception {
        rp = new OidcTestClient(port);
        KnownDevices.remember(db, rp.browser, "2850575112034");
        rpKey = new ECKeyGenerator(Curve.P_256).keyID("rp-dpop").generate();
        proofs = new DefaultDPoPProofFactory(rpKey, JWSAlgorithm.ES256);
        relyingParties.register(new ClientProperties(DPOP_CLIENT, "DPoP only (test)", OidcFlowTests.sha256(DPOP_SECRET),
                List.of("client_secret_post"), List.of(OidcTestClient.DEMO_REDIRECT), List.of(),
                List.of("openid", "identite_pivot"), "ES256", null, "dpop.example", null, false, null, null, null, null,
                null, null, null, true, null), "test").block();
    }

    @Test
    void dpopWhenTheRpProvesItsKeyThenTheTokenIsBoundAndUsableOnlyWithProofs() throws Exception {
        Code code = code(OidcTestClient.DEMO_CLIENT);
        URI tokenEndpoint = rp.metadata.getTokenEndpointURI();

        // First proof without a nonce: the server gives one (use_dpop_nonce), the SDK's proof is then accepted.
        HTTPResponse noNonce = token(code, demo(), proofs.createDPoPJWT("POST", tokenEndpoint));
        assertThat(noNonce.getStatusCode()).isEqualTo(400);
        assertThat(noNonce.getBodyAsJSONObject().get("error")).isEqualTo("use_dpop_nonce");
        Nonce nonce = new Nonce(noNonce.getHeaderValue("DPoP-Nonce"));
        assertThat(nonce.getValue()).isNotBlank();

        HTTPResponse issued = token(code, demo(), proofs.createDPoPJWT("POST", tokenEndpoint, nonce));
        assertThat(issued.getStatusCode()).as(issued.getBody()).isEqualTo(200);
        OIDCTokenResponse tokens = OIDCTokenResponseParser.parse(issued).toSuccessResponse() instanceof OIDCTokenResponse t
                ? t : null;
        assertThat(tokens).isNotNull();
        AccessToken accessToken = tokens.getOIDCTokens().getAccessToken();
        assertThat(accessToken.getType()).isEqualTo(AccessTokenType.DPOP);
        DPoPAccessToken dpopToken = new DPoPAccessToken(accessToken.getValue());
        URI userinfo = rp.metadata.getUserInfoEndpointURI();

        SignedJWT good = proofs.createDPoPJWT("GET", userinfo, dpopToken, nonce);
        assertThat(userinfo(dpopToken, good).getStatusCode()).isEqualTo(200);
        HTTPResponse replayed = userinfo(dpopToken, good);
        assertThat(replayed.getStatusCode()).as("a replayed jti").isEqualTo(401);
        assertThat(replayed.getHeaderValue("WWW-Authenticate")).startsWith("DPoP").contains("invalid_dpop_proof");

        assertThat(userinfo(dpopToken, null).getStatusCode()).as("the token without its proof").isEqualTo(401);
        HTTPResponse asBearer = OidcTestClient.timed(new UserInfoRequest(userinfo, new BearerAccessToken(accessToken.getValue()))
                .toHTTPRequest()).send();
        assertThat(asBearer.getStatusCode()).as("the token as a bearer token").isEqualTo(401);
        assertThat(userinfo(dpopToken, proofs.createDPoPJWT("POST", userinfo, dpopToken, nonce)).getStatusCode())
                .as("wrong htm").isEqualTo(401);
        assertThat(userinfo(dpopToken, proofs.createDPoPJWT("GET", URI.create(rp.base + "/token"), dpopToken, nonce))
                .getStatusCode()).as("wrong htu").isEqualTo(401);
        assertThat(userinfo(dpopToken, proofs.createDPoPJWT("GET", userinfo, new DPoPAccessToken("another-token"), nonce))
                .getStatusCode()).as("wrong ath").isEqualTo(401);
        assertThat(userinfo(dpopToken, proofs.createDPoPJWT(new JWTID(), "GET", userinfo,
                new Date(System.currentTimeMillis() - 300_000), dpopToken, nonce)).getStatusCode()).as("old iat").isEqualTo(401);
        DefaultDPoPProofFactory otherKey = new DefaultDPoPProofFactory(new ECKeyGenerator(Curve.P_256).generate(),
                JWSAlgorithm.ES256);
        assertThat(userinfo(dpopToken, otherKey.createDPoPJWT("GET", userinfo, dpopToken, nonce)).getStatusCode())
                .as("a proof by another key").isEqualTo(401);
        assertThat(userinfo(dpopToken, proofs.createDPoPJWT("GET", userinfo, dpopToken, nonce)).getStatusCode())
                .as("a fresh good proof still works").isEqualTo(200);
    }

    @Test
    void dpopWhenTheTokenProofIsWrongThenRefusedAndTheCodeKept() throws Exception {
        Code code = code(OidcTestClient.DEMO_CLIENT);
        Nonce nonce = new Nonce(token(code, demo(), proofs.createDPoPJWT("POST", rp.metadata.getTokenEndpointURI()))
                .getHeaderValue("DPoP-Nonce"));
        HTTPResponse wrongHtu = token(code, demo(), proofs.createDPoPJWT("POST", URI.create(rp.base + "/userinfo"), nonce));
        assertThat(wrongHtu.getStatusCode()).isEqualTo(400);
        assertThat(wrongHtu.getBodyAsJSONObject().get("error")).isEqualTo("invalid_dpop_proof");
        HTTPResponse wrongHtm = token(code, demo(), proofs.createDPoPJWT("GET", rp.metadata.getTokenEndpointURI(), nonce));
        assertThat(wrongHtm.getBodyAsJSONObject().get("error")).isEqualTo("invalid_dpop_proof");
        SignedJWT proof = proofs.createDPoPJWT("POST", rp.metadata.getTokenEndpointURI(), nonce);
        assertThat(token(code, demo(), proof).getStatusCode()).isEqualTo(200);
        assertThat(token(code(OidcTestClient.DEMO_CLIENT), demo(), proof).getBodyAsJSONObject().get("error"))
                .as("the same proof for another code: replayed jti").isEqualTo("invalid_dpop_proof");
    }

    @Test
    void dpopBoundAccessTokensWhenRegisteredThenATokenRequestWithoutProofIsRefused() throws Exception {
        Code code = code(DPOP_CLIENT);
        ClientAuthentication auth = new ClientSecretPost(new ClientID(DPOP_CLIENT), new Secret(DPOP_SECRET));
        HTTPResponse bearer = token(code, auth, null);
        assertThat(bearer.getStatusCode()).isEqualTo(400);
        assertThat(bearer.getBodyAsJSONObject().get("error")).isEqualTo("invalid_dpop_proof");
        Nonce nonce = new Nonce(bearer.getHeaderValue("DPoP-Nonce"));
        HTTPResponse bound = token(code, auth, proofs.createDPoPJWT("POST", rp.metadata.getTokenEndpointURI(), nonce));
        assertThat(bound.getStatusCode()).as(bound.getBody()).isEqualTo(200);
        assertThat(bound.getBodyAsJSONObject().get("token_type")).isEqualTo("DPoP");
    }

    private record Code(String value, com.nimbusds.oauth2.sdk.pkce.CodeVerifier verifier) {
    }

    private Code code(String clientId) {
        OidcTestClient.Started auth = rp.authorizationRequest(clientId, OidcTestClient.DEMO_REDIRECT, "openid identite_pivot", null);
        TestBrowser.Response first = rp.browser.get(auth.uri().toString());
        TestBrowser.Response next = first.location().getPath().equals("/login")
                ? rp.login(first, OidcTestClient.MARTIN_NIR, OidcTestClient.MARTIN_PASSWORD) : first;
        TestBrowser.Response callback = next.location().getPath().equals("/consent") ? rp.consent(next) : next;
        assertThat(callback.query("code")).isNotNull();
        return new Code(callback.query("code"), auth.verifier());
    }

    private static ClientAuthentication demo() {
        return new ClientSecretBasic(new ClientID(OidcTestClient.DEMO_CLIENT), new Secret(OidcTestClient.DEMO_SECRET));
    }

    private HTTPResponse token(Code code, ClientAuthentication auth, SignedJWT proof) throws Exception {
        HTTPRequest request = new TokenRequest(rp.metadata.getTokenEndpointURI(), auth, new AuthorizationCodeGrant(
                new AuthorizationCode(code.value()), URI.create(OidcTestClient.DEMO_REDIRECT), code.verifier())).toHTTPRequest();
        if (proof != null) {
            request.setDPoP(proof);
        }
        return OidcTestClient.timed(request).send();
    }

    private HTTPResponse userinfo(DPoPAccessToken token, SignedJWT proof) throws Exception {
        HTTPRequest request = new UserInfoRequest(rp.metadata.getUserInfoEndpointURI(), token).toHTTPRequest();
        if (proof != null) {
            request.setDPoP(proof);
        }
        return OidcTestClient.timed(request).send();
    }
}
