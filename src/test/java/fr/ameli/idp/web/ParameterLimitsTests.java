package fr.ameli.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.TestBrowser;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Bounded lengths at the edge of the pages (issue 10 #12): a field over its limit gets the French page before any
 * handler stores it; at the limit the page goes on as usual.
 */
@IdpIntegrationTest
class ParameterLimitsTests {

    private static final String TOO_LONG = "valeur trop longue";
    /** A well-formed NIR of nobody: the login fails as for any unknown person. */
    private static final String UNKNOWN_NIR = "1 80 01 44 109 999";

    @LocalServerPort
    int port;

    TestBrowser browser;

    @BeforeEach
    void browser() {
        browser = new TestBrowser(port);
    }

    @Test
    void loginWhenAuthLongerThan64ThenFrenchPage400() {
        browser.get("/login");

        TestBrowser.Response response = browser.post("/login", Map.of("nir", UNKNOWN_NIR, "password", "Wrong-1",
                "auth", "a".repeat(65)));

        assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(response.body()).contains(TOO_LONG);
    }

    @Test
    void loginWhenAuthAt64ThenTheFormIsHandled() {
        browser.get("/login");

        TestBrowser.Response response = browser.post("/login", Map.of("nir", UNKNOWN_NIR, "password", "Wrong-1",
                "auth", "a".repeat(64)));

        assertThat(response.status()).isEqualTo(HttpStatus.OK);
        assertThat(response.body()).contains("incorrect").doesNotContain(TOO_LONG);
    }

    @Test
    void enrollmentWhenAuthInTheQueryLongerThan64ThenFrenchPage400() {
        TestBrowser.Response response = browser.get("/inscription?auth=" + "a".repeat(65));

        assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(response.body()).contains(TOO_LONG);
    }

    @Test
    void enrollmentWhenFieldLongerThanTheDefaultLimitThenFrenchPage400() {
        browser.get("/inscription");

        TestBrowser.Response response = browser.post("/inscription/identite", Map.of("nom", "N".repeat(2049),
                "nir", UNKNOWN_NIR, "dateNaissance", "01/01/1980", "codePostal", "44000"));

        assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(response.body()).contains(TOO_LONG);
    }

    @Test
    void logoutWhenStateLongerThan512ThenFrenchPage400() {
        TestBrowser.Response response = browser.get("/logout?id_token_hint=x&state=" + "s".repeat(513));

        assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(response.body()).contains(TOO_LONG);
    }

    @Test
    void enrollmentApiWhenFieldTooLongThenProblemNamingIt() {
        WebTestClient api = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        String id = (String) api.post().uri("/api/v1/enrollments").exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");

        api.post().uri("/api/v1/enrollments/{id}/identite", id).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("nom", "N".repeat(2049), "nir", UNKNOWN_NIR, "dateNaissance", "01/01/1980",
                        "codePostal", "44000"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("field_too_long").jsonPath("$.field").isEqualTo("nom");
    }
}
