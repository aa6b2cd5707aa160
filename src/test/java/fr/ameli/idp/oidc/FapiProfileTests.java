package fr.ameli.idp.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.PushedAuthorizationRequest;
import com.nimbusds.oauth2.sdk.PushedAuthorizationResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.OperatorApi;
import fr.ameli.idp.TestBrowser;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The FAPI 2.0-style profile of a relying party: PAR + PKCE S256 + private_key_jwt (ES256) + DPoP, over real HTTP. */
@IdpIntegrationTest
class FapiProfileTests {

    static final String FAPI_CLIENT = "rp-fapi";

    @LocalServerPort
    int port;

    @Value("${" + OperatorApi.PORT + "}")
    int operatorPort;

    @Autowired
    org.springframework.r2dbc.core.DatabaseClient db;

    OidcTestClient rp;
    ECKey rpKey;

    @BeforeEach
    void setUp() throws Exception {
        rp = new OidcTestClient(port);
        KnownDevices.remember(db, rp.browser, "2850575112034");
        rpKey = new ECKeyGenerator(Curve.P_256).keyID("rp-fapi-1").generate();
        OperatorApi.client(operatorPort).put().uri("/operator/clients/" + FAPI_CLIENT)
                .header("Content-Type", "application/json")
                .bodyValue(Map.of("client_name", "FAPI (test)", "redirect_uris", List.of(OidcTestClient.DEMO_REDIRECT),
                        "token_endpoint_auth_method", "private_key_jwt", "scope", "openid identite_pivot",
                        "jwks", new JWKSet(rpKey.toPublicJWK()).toJSONObject(), "fapi", true))
                .exchange().expectStatus().isOk();
    }

    @Test
    void fapiWhenEveryRequirementIsMetThenTokensAreDpopBoundAndAnythingLessIsRefused() throws Exception {
        OidcTestClient.Started auth = rp.authorizationRequest(FAPI_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid identite_pivot", null);
        assertThat(rp.browser.get(auth.uri().toString()).query("error")).as("PAR required").isEqualTo("invalid_request");

        AuthenticationRequest withoutPkce = new AuthenticationRequest.Builder(AuthenticationRequest.parse(auth.uri()))
                .codeChallenge((com.nimbusds.oauth2.sdk.pkce.CodeChallenge) null, null).build();
        assertThat(push(withoutPkce).getStatusCode()).as("PKCE required").isEqualTo(400);

        HTTPResponse pushed = push(AuthenticationRequest.parse(auth.uri()));
        assertThat(pushed.getStatusCode()).as(pushed.getBody()).isEqualTo(201);
        URI requestUri = PushedAuthorizationResponse.parse(pushed).toSuccessResponse().getRequestURI();
        TestBrowser.Response first = rp.browser.get("/authorize?client_id=" + FAPI_CLIENT + "&request_uri="
                + java.net.URLEncoder.encode(requestUri.toString(), java.nio.charset.StandardCharsets.UTF_8));
        TestBrowser.Response next = first.location().getPath().equals("/login")
                ? rp.login(first, OidcTestClient.MARTIN_NIR, OidcTestClient.MARTIN_PASSWORD) : first;
        TestBrowser.Response callback = next.location().getPath().equals("/consent") ? rp.consent(next) : next;
        String code = callback.query("code");
        assertThat(code).isNotNull();

        HTTPResponse withoutDpop = token(code, auth, null);
        assertThat(withoutDpop.getBodyAsJSONObject().get("error")).as("DPoP required").isEqualTo("invalid_dpop_proof");
        Nonce nonce = new Nonce(withoutDpop.getHeaderValue("DPoP-Nonce"));
        DefaultDPoPProofFactory proofs = new DefaultDPoPProofFactory(rpKey, JWSAlgorithm.ES256);
        HTTPResponse tokens = token(code, auth, proofs.createDPoPJWT("POST", rp.metadata.getTokenEndpointURI(), nonce));
        assertThat(tokens.getStatusCode()).as(tokens.getBody()).isEqualTo(200);
        assertThat(tokens.getBodyAsJSONObject().get("token_type")).isEqualTo("DPoP");
    }

    @Test
    void fapiWhenTheRegistrationAsksForLessThenRefused() {
        OperatorApi.client(operatorPort).put().uri("/operator/clients/rp-fapi-weak")
                .header("Content-Type", "application/json")
                .bodyValue(Map.of("redirect_uris", List.of(OidcTestClient.DEMO_REDIRECT), "token_endpoint_auth_method",
                        "client_secret_basic", "client_secret_sha256", OidcFlowTests.sha256("weak-secret-0123456789abcdef0123456789"),
                        "scope", "openid", "fapi", true))
                .exchange().expectStatus().isBadRequest();
        OperatorApi.client(operatorPort).put().uri("/operator/clients/rp-fapi-weak")
                .header("Content-Type", "application/json")
                .bodyValue(Map.of("redirect_uris", List.of(OidcTestClient.DEMO_REDIRECT), "token_endpoint_auth_method",
                        "private_key_jwt", "jwks", new JWKSet(rpKey.toPublicJWK()).toJSONObject(), "scope", "openid",
                        "id_token_signed_response_alg", "RS256", "fapi", true))
                .exchange().expectStatus().isBadRequest();
    }

    private HTTPResponse push(AuthenticationRequest request) throws Exception {
        URI par = rp.metadata.getPushedAuthorizationRequestEndpointURI();
        return OidcTestClient.timed(new PushedAuthorizationRequest(par, new PrivateKeyJWT(new ClientID(FAPI_CLIENT),
                URI.create(rp.base), JWSAlgorithm.ES256, rpKey.toECPrivateKey(), rpKey.getKeyID(), null), request)
                .toHTTPRequest()).send();
    }

    private HTTPResponse token(String code, OidcTestClient.Started auth, SignedJWT proof) throws Exception {
        HTTPRequest request = new TokenRequest(rp.metadata.getTokenEndpointURI(), new PrivateKeyJWT(new ClientID(FAPI_CLIENT),
                rp.metadata.getTokenEndpointURI(), JWSAlgorithm.ES256, rpKey.toECPrivateKey(), rpKey.getKeyID(), null),
                new AuthorizationCodeGrant(new AuthorizationCode(code), URI.create(OidcTestClient.DEMO_REDIRECT), auth.verifier()))
                .toHTTPRequest();
        if (proof != null) {
            request.setDPoP(proof);
        }
        return OidcTestClient.timed(request).send();
    }
}
