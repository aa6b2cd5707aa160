package fr.ameli.idp.oidc.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.token.SigningKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Discovery and the JWKS are answered in front of the WebFlux pipeline: the same bytes and the headers a JSON document
 * needs, HEAD without a body, and every other method still refused by the pipeline behind.
 */
@IdpIntegrationTest
class PublishedDocumentsTests {

    @LocalServerPort
    int port;

    @Autowired
    SigningKeys keys;

    @Autowired
    IdpProperties properties;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<byte[]> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void discoveryWhenFetchedThenTheDocumentWithJsonHeaders() throws Exception {
        HttpResponse<byte[]> response = send("GET", "/.well-known/openid-configuration");

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> document = JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
        assertThat(document.get("issuer")).isEqualTo(properties.issuer());
        assertThat(document.get("jwks_uri")).isEqualTo(properties.issuer() + "/jwks");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(response.body().length);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }

    @Test
    void jwksWhenFetchedThenTheKeysPublishedNow() throws Exception {
        HttpResponse<byte[]> response = send("GET", "/jwks");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/jwk-set+json");
        JWKSet published = JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8));
        assertThat(published.getKeys()).isNotEmpty();
        assertThat(published.getKeys()).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
        assertThat(published.toString()).isEqualTo(keys.publishedKeys().toString());
    }

    @Test
    void headWhenSentThenHeadersWithoutBody() throws Exception {
        HttpResponse<byte[]> response = send("HEAD", "/jwks");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(keys.jwksJson().length);
    }

    @Test
    void otherMethodsWhenSentThenStillRefusedByThePipeline() throws Exception {
        // POST is refused before routing (CSRF on a form POST, 400/403), DELETE by routing (405): neither is served.
        assertThat(send("POST", "/jwks").statusCode()).isBetween(400, 405);
        assertThat(send("DELETE", "/.well-known/openid-configuration").statusCode()).isBetween(400, 405);
        assertThat(send("GET", "/.well-known/openid-configuration/x").statusCode()).isEqualTo(404);
    }
}
