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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The limits hold through the app's JSON API as on the pages (issue 10, items 1 and 3): code redemptions count in
 * the login's budget per NIR and per client address, wrong provisional codes per NIR across codes close the path,
 * « Code oublié ? » requests are limited per NIR and per client address; every refusal is an RFC 9457 problem
 * {@code too_many_attempts} (429) with {@code Retry-After}.
 */
@IdpIntegrationTest
class AppApiLimitTests {

    /** People of this class only: the budgets they use up concern no other test. */
    static final String REDEEM_NIR = "1760144108001";
    static final String CODES_NIR = "1760144108002";
    static final String CODES_EMAIL = "appli-limite2@example.org";
    static final String FORGOTTEN_NIR = "1760144108003";
    static final String FORGOTTEN_EMAIL = "appli-limite3@example.org";

    @LocalServerPort
    int port;

    @Autowired
    Registry registry;

    @Autowired
    Accounts accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    CaptchaChallenges captcha;

    @Autowired
    MutableClock clock;

    @BeforeEach
    void setUp() {
        // Time stands still: a test never straddles two windows of a limit.
        clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(REDEEM_NIR, "APPLI").givenNames("Paul").withoutProof(),
                TestInsuredPersons.eligible(CODES_NIR, "APPLI").givenNames("Jean").withoutProof(),
                TestInsuredPersons.eligible(FORGOTTEN_NIR, "APPLI").givenNames("Marc").withoutProof());
        String hash = hasher.hash("Appli-Limite-2026").block();
        accounts.provision(Nir.parse(CODES_NIR), AccountStatus.ACTIVE, CODES_EMAIL, hash).block();
        accounts.provision(Nir.parse(FORGOTTEN_NIR), AccountStatus.ACTIVE, FORGOTTEN_EMAIL, hash).block();
    }

    @AfterEach
    void tearDown() {
        clock.reset();
    }

    @Test
    void redemptionWhenTenWrongForOneNirThenEleventhIsProblem429WithRetryAfter() {
        for (int i = 0; i < 10; i++) {
            // Each try from another address: only the NIR can be counted.
            redeem(client(TestBrowser.newClientAddress()), REDEEM_NIR, String.format("%04d", 1000 + i))
                    .expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("invalid_code");
        }
        tooManyAttempts(redeem(client(TestBrowser.newClientAddress()), "1 76 01 44 108 001", "2000"));
    }

    @Test
    void redemptionWhenThirtyWrongFromOneAddressThenThatAddressGetsProblem429WithRetryAfter() {
        WebTestClient sprayer = client(TestBrowser.newClientAddress());
        for (int i = 0; i < 30; i++) {
            redeem(sprayer, String.format("1760144108%03d", 500 + i), "1234").expectStatus().isEqualTo(422);
        }
        tooManyAttempts(redeem(sprayer, String.format("1760144108%03d", 600), "1234"));
        // Another address is not concerned.
        redeem(client(TestBrowser.newClientAddress()), String.format("1760144108%03d", 601), "1234")
                .expectStatus().isEqualTo(422);
    }

    @Test
    void provisionalCodeWhenFiveWrongAcrossTwoCodesThroughApiThenPathClosedAndNoCodeByMail() {
        String first = requestCode(CODES_NIR, CODES_EMAIL);
        for (int i = 0; i < 3; i++) {
            redeem(client(TestBrowser.newClientAddress()), CODES_NIR, wrong(first)).expectStatus().isEqualTo(422);
        }
        // A new code used to bring five fresh tries.
        String second = requestCode(CODES_NIR, CODES_EMAIL);
        for (int i = 0; i < 2; i++) {
            redeem(client(TestBrowser.newClientAddress()), CODES_NIR, wrong(second)).expectStatus().isEqualTo(422);
        }
        // The right code no longer works (answered like a wrong one), and the holder is told by mail.
        redeem(client(TestBrowser.newClientAddress()), CODES_NIR, second).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("invalid_code");
        assertThat(SentMails.to(CODES_EMAIL, "PROVISIONAL_CODE_BLOCKED")).hasSize(1);
        // No new code by mail until the path opens again, a day later: Retry-After says so.
        int codes = SentMails.to(CODES_EMAIL, "PROVISIONAL_CODE").size();
        EntityExchangeResult<byte[]> refused = tooManyAttempts(forgotten(client(TestBrowser.newClientAddress()), CODES_NIR));
        assertThat(Long.parseLong(refused.getResponseHeaders().getFirst("Retry-After")))
                .isGreaterThan(Duration.ofHours(23).toSeconds()).isLessThanOrEqualTo(Duration.ofHours(24).toSeconds());
        assertThat(SentMails.to(CODES_EMAIL, "PROVISIONAL_CODE")).hasSize(codes);
    }

    @Test
    void forgottenCodeWhenSixthRequestForOneNirThroughApiThenProblem429WithRetryAfter() {
        for (int i = 0; i < 5; i++) {
            forgotten(client(TestBrowser.newClientAddress()), FORGOTTEN_NIR).expectStatus().isAccepted();
        }
        int codes = SentMails.to(FORGOTTEN_EMAIL, "PROVISIONAL_CODE").size();
        tooManyAttempts(forgotten(client(TestBrowser.newClientAddress()), FORGOTTEN_NIR));
        assertThat(SentMails.to(FORGOTTEN_EMAIL, "PROVISIONAL_CODE")).hasSize(codes);
    }

    @Test
    void forgottenCodeWhenTwentyFirstRequestFromOneAddressThroughApiThenProblem429WithRetryAfter() {
        WebTestClient sprayer = client(TestBrowser.newClientAddress());
        for (int i = 0; i < 20; i++) {
            // Unknown people: « appelez le 3646 », and the address is counted all the same.
            forgotten(sprayer, String.format("1760144108%03d", 700 + i)).expectStatus().isForbidden();
        }
        tooManyAttempts(forgotten(sprayer, String.format("1760144108%03d", 720)));
    }

    private static EntityExchangeResult<byte[]> tooManyAttempts(WebTestClient.ResponseSpec response) {
        EntityExchangeResult<byte[]> result = response.expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.code").isEqualTo("too_many_attempts")
                .jsonPath("$.status").isEqualTo(429)
                .returnResult();
        assertThat(Long.parseLong(result.getResponseHeaders().getFirst("Retry-After"))).isPositive();
        return result;
    }

    /** Asks for a code through the app and reads it from the mail. */
    private String requestCode(String nir, String email) {
        int before = SentMails.to(email, "PROVISIONAL_CODE").size();
        forgotten(client(TestBrowser.newClientAddress()), nir).expectStatus().isAccepted();
        // The mail leaves through the outbox, a moment after the answer.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(SentMails.to(email, "PROVISIONAL_CODE")).hasSize(before + 1));
        return ForgottenCodeTests.code(SentMails.last(email, "PROVISIONAL_CODE"));
    }

    /** A « Code oublié ? » request through the app, with a captcha answered right. */
    private WebTestClient.ResponseSpec forgotten(WebTestClient api, String nir) {
        String id = (String) api.post().uri("/api/v1/captchas").exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        return api.post().uri("/api/v1/forgotten-code").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("nir", nir, "dateNaissance", "01/01/1980", "captchaId", id,
                        "captcha", CaptchaTestSupport.answer(captcha, id)))
                .exchange();
    }

    private static WebTestClient.ResponseSpec redeem(WebTestClient api, String nir, String code) {
        return api.post().uri("/api/v1/provisional-codes/redemptions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("nir", nir, "code", code)).exchange();
    }

    private WebTestClient client(String address) {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).defaultHeader("X-Forwarded-For", address)
                .build();
    }

    private static String wrong(String code) {
        return String.format("%04d", (Integer.parseInt(code) + 1) % 10_000);
    }
}
