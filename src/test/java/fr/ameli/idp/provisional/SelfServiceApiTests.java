package fr.ameli.idp.provisional;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.SentMails;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.captcha.CaptchaChallenges;
import fr.ameli.idp.captcha.CaptchaTestSupport;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The app's provisional-code and « Code oublié ? » API, on the services of the pages: captcha (image, audio, one use),
 * the code by mail, its redemption (enrollment from the CGU, or a new personal code), problems for every refusal.
 */
@IdpIntegrationTest
class SelfServiceApiTests {

    static final String PERSON_1 = ForgottenCodeTests.PERSON_1;
    static final String PERSON_1_EMAIL = ForgottenCodeTests.PERSON_1_EMAIL;
    /** In the registry, without an account: a counter code leads to the enrollment. */
    static final String COUNTER_NIR = "1910144109061";
    private static final AtomicInteger ADDRESSES = new AtomicInteger(10);

    @LocalServerPort
    int port;

    @Autowired
    DatabaseClient db;

    @Autowired
    Accounts accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    Registry registry;

    @Autowired
    CaptchaChallenges captcha;

    @Autowired
    ProvisionalCodes codes;

    @Autowired
    MutableClock clock;

    WebTestClient api;
    String address;
    String person1Hash;

    @BeforeEach
    void setUp() {
        address = "198.51.100." + ADDRESSES.incrementAndGet();
        api = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).defaultHeader("X-Forwarded-For", address)
                .build();
        person1Hash = accounts.findByNir(Nir.parse(PERSON_1)).block().passwordHash();
        TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(COUNTER_NIR, "GUICHET").givenNames("Luc")
                .birthDate("1991-01-01").withoutProof().email("luc.guichet@example.org"));
    }

    @AfterEach
    void restore() {
        clock.reset();
        db.sql("update account set password_hash = :hash where nir = :nir").bind("hash", person1Hash)
                .bind("nir", Nir.parse(PERSON_1).value()).then().block();
    }

    Map<?, ?> challenge() {
        return api.post().uri("/api/v1/captchas").exchange()
                .expectStatus().isCreated()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    WebTestClient.ResponseSpec forgotten(String nir, String birthDate, String captchaId, String answer) {
        return api.post().uri("/api/v1/forgotten-code").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("nir", nir, "dateNaissance", birthDate, "captchaId", captchaId, "captcha", answer))
                .exchange();
    }

    WebTestClient.ResponseSpec redeem(String nir, String code) {
        return api.post().uri("/api/v1/provisional-codes/redemptions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("nir", nir, "code", code)).exchange();
    }

    @Test
    void forgottenCodeWhenAppAnswersCaptchaThenCodeByMailThenNewPersonalCodeThroughTheApi() {
        Map<?, ?> challenge = challenge();
        String id = (String) challenge.get("id");
        assertThat(challenge.get("image")).isEqualTo("/api/v1/captchas/" + id + "/image");
        api.get().uri((String) challenge.get("image")).exchange().expectStatus().isOk()
                .expectHeader().contentType(MediaType.IMAGE_PNG);
        api.get().uri((String) challenge.get("audio")).exchange().expectStatus().isOk()
                .expectHeader().contentType("audio/wav");
        int before = ForgottenCodeTests.codeMails(PERSON_1_EMAIL);

        forgotten(PERSON_1, "14/05/1985", id, CaptchaTestSupport.answer(captcha, id))
                .expectStatus().isAccepted()
                .expectBody().jsonPath("$.emailMasque").isEqualTo("c****@example.fr");
        assertThat(ForgottenCodeTests.codeMails(PERSON_1_EMAIL)).isEqualTo(before + 1);
        // The challenge served once.
        api.get().uri((String) challenge.get("image")).exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        String code = ForgottenCodeTests.code(SentMails.last(PERSON_1_EMAIL, "PROVISIONAL_CODE"));

        Map<?, ?> redeemed = redeem(PERSON_1, code).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(redeemed.get("next")).isEqualTo("new_personal_code");
        String href = (String) ((Map<?, ?>) redeemed.get("reset")).get("href");

        api.post().uri(href).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("motDePasse", "Claire1985!", "confirmation", "Claire1985!")).exchange()
                .expectStatus().isEqualTo(422)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("invalid_input").jsonPath("$.violations").isArray();
        assertThat(accounts.findByNir(Nir.parse(PERSON_1)).block().passwordHash()).isEqualTo(person1Hash);

        api.post().uri(href).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("motDePasse", "Nouveau-Code-Appli", "confirmation", "Nouveau-Code-Appli")).exchange()
                .expectStatus().isNoContent();
        assertThat(hasher.matches("Nouveau-Code-Appli", accounts.findByNir(Nir.parse(PERSON_1)).block().passwordHash())
                .block()).isTrue();
        // Once: the reset is over, and the code is used up.
        api.post().uri(href).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("motDePasse", "Autre-Code-Appli", "confirmation", "Autre-Code-Appli")).exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("not_found");
        redeem(PERSON_1, code).expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("invalid_code");
    }

    @Test
    void forgottenCodeWhenCaptchaWrongThenRefusedUsedUpAndNoMail() {
        String id = (String) challenge().get("id");
        int before = ForgottenCodeTests.codeMails(PERSON_1_EMAIL);
        String right = CaptchaTestSupport.answer(captcha, id);
        String wrong = right.equals("222222") ? "333333" : "222222";

        forgotten(PERSON_1, "14/05/1985", id, wrong).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("captcha_refused")
                .jsonPath("$.errors.captcha").isEqualTo("oubli.captcha.incorrect");
        forgotten(PERSON_1, "14/05/1985", id, right).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("captcha_refused");
        assertThat(ForgottenCodeTests.codeMails(PERSON_1_EMAIL)).isEqualTo(before);
    }

    @Test
    void forgottenCodeWhenFieldsMalformedThenInvalidInputAndTheChallengeStaysLive() {
        String id = (String) challenge().get("id");
        forgotten("12", "31/02/1985", id, "").expectStatus().isEqualTo(422)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("invalid_input")
                .jsonPath("$.errors.nir").isEqualTo("inscription.nir.invalide")
                .jsonPath("$.errors.dateNaissance").isEqualTo("inscription.date.invalide")
                .jsonPath("$.errors.captcha").isEqualTo("oubli.captcha.obligatoire");
        api.get().uri("/api/v1/captchas/{id}/image", id).exchange().expectStatus().isOk();
    }

    /** Issue 10: a 429 of the app API says when to retry (RFC 9110 Retry-After), as the pages do. */
    @Test
    void forgottenCodeWhenTwentyFirstFromOneAddressThenTooManyAttemptsProblemWithRetryAfter() {
        for (int i = 1; i <= 20; i++) {
            // A wrong captcha: only the address limit counts these, no NIR budget is touched.
            forgotten(String.format("1900144109%03d", 700 + i), "01/01/1990", "inconnu", "000000")
                    .expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("captcha_refused");
        }
        String id = (String) challenge().get("id");
        var refused = forgotten(PERSON_1, "14/05/1985", id, CaptchaTestSupport.answer(captcha, id))
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.code").isEqualTo("too_many_attempts").returnResult();
        assertThat(Long.parseLong(refused.getResponseHeaders().getFirst("Retry-After"))).isBetween(1L, 3600L);
    }

    /**
     * Issue 10: captchas drawn from one address (challenges, images and sounds; app and pages on one budget, 120 an
     * hour) are limited: beyond, 429 with Retry-After and nothing drawn; another address is not concerned.
     */
    @Test
    void captchaWhenHundredAndTwentyDrawnFromOneAddressThenRefusedOnTheAppAndThePageWithRetryAfter() {
        String id = "";
        for (int i = 1; i <= 119; i++) {
            id = (String) challenge().get("id");
        }
        api.get().uri("/api/v1/captchas/{id}/image", id).exchange().expectStatus().isOk();
        var refused = api.post().uri("/api/v1/captchas").exchange()
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("too_many_attempts").returnResult();
        assertThat(Long.parseLong(refused.getResponseHeaders().getFirst("Retry-After"))).isBetween(1L, 3600L);
        api.get().uri("/api/v1/captchas/{id}/audio", id).exchange()
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS).expectHeader().exists("Retry-After");
        TestBrowser.Response page = new TestBrowser(port).header("X-Forwarded-For", address).get("/code-oublie");
        assertThat(page.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(Long.parseLong(page.header("Retry-After"))).isBetween(1L, 3600L);
        TestBrowser other = new TestBrowser(port);
        assertThat(other.get("/code-oublie").status()).isEqualTo(HttpStatus.OK);
        assertThat(other.get("/code-oublie/captcha.png").status()).isEqualTo(HttpStatus.OK);
        challengeFrom(TestBrowser.newClientAddress());
    }

    void challengeFrom(String other) {
        WebTestClient.bindToServer().baseUrl("http://localhost:" + port).defaultHeader("X-Forwarded-For", other).build()
                .post().uri("/api/v1/captchas").exchange().expectStatus().isCreated();
    }

    @Test
    void forgottenCodeWhenNoAccountThenCall3646Problem() {
        String id = (String) challenge().get("id");
        forgotten(COUNTER_NIR, "01/01/1991", id, CaptchaTestSupport.answer(captcha, id))
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("not_possible_online")
                .jsonPath("$.alternatives[0]").isEqualTo("phone:3646");
    }

    @Test
    void counterCodeWhenRedeemedThroughTheAppThenEnrollmentFromTheCguToTheMailStep() {
        ProvisionalCodes.NewCode code = codes.draw(8).block();
        codes.store(Nir.parse(COUNTER_NIR), ProvisionalCodes.Origin.COUNTER, code, Duration.ofDays(1)).block();

        redeem(COUNTER_NIR, "00000000").expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("invalid_code");
        redeem(COUNTER_NIR, "12ab").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("invalid_input")
                .jsonPath("$.errors.code").isEqualTo("connexion.code_provisoire.format");
        Map<?, ?> redeemed = redeem(COUNTER_NIR, code.code()).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(redeemed.get("next")).isEqualTo("enrollment");
        Map<?, ?> enrollment = (Map<?, ?>) redeemed.get("enrollment");
        assertThat(enrollment.get("step")).isEqualTo("cgu");
        String id = (String) enrollment.get("id");

        step(id, "cgu", Map.of("decision", "accepter")).expectBody().jsonPath("$.step").isEqualTo("mot-de-passe");
        step(id, "mot-de-passe", Map.of("motDePasse", "Guichet-Luc+Ok9", "confirmation", "Guichet-Luc+Ok9"))
                .expectBody().jsonPath("$.step").isEqualTo("coordonnees");
        step(id, "coordonnees", Map.of("email", "luc.guichet@example.org", "emailConfirmation", "luc.guichet@example.org",
                "consentementEmail", "non"))
                .expectStatus().isOk().expectBody().jsonPath("$.step").isEqualTo("confirmation-email");
        assertThat(accounts.findByNir(Nir.parse(COUNTER_NIR)).block().status()).isEqualTo(AccountStatus.PENDING);
        // The code worked once.
        redeem(COUNTER_NIR, code.code()).expectStatus().isEqualTo(422);
    }

    WebTestClient.ResponseSpec step(String id, String step, Map<String, String> body) {
        return api.post().uri("/api/v1/enrollments/{id}/{step}", id, step).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange();
    }

    @Test
    void redemptionWhenBodyIsNotJsonThenProblems() {
        api.post().uri("/api/v1/provisional-codes/redemptions").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"nir\":")
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("invalid_json");
        api.post().uri("/api/v1/forgotten-code").contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("nir=1")
                .exchange().expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }
}
