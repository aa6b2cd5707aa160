package fr.ameli.idp.federation;

import static fr.ameli.idp.federation.FederationTestSupport.PERSON_3_NIR;
import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.EmailConfirmations;
import fr.ameli.idp.registry.Nir;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The embedded default's development provider ({@code /dev/federation}), with the service's real HTTP client
 * talking to it over the network: person 3 creates her account through it from the run command's
 * configuration, then logs in and out through it.
 */
@IdpIntegrationTest
class DevFederationProviderTests {

    private static final Pattern INTERACTION = Pattern.compile("name=\"interaction\" value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    FederationSettings settings;

    @Autowired
    Accounts accounts;

    @Autowired
    EmailConfirmations confirmations;

    @Autowired
    DatabaseClient db;

    TestBrowser browser;

    @BeforeEach
    void setUp() {
        settings.reset();
        FederationTestSupport.resetDemoPeople(db);
        browser = new TestBrowser(port);
    }

    @AfterEach
    void tearDown() {
        FederationTestSupport.resetDemoPeople(db);
    }

    @Test
    void embeddedDefaultWhenNothingConfiguredThenPointsAtDevProvider() {
        assertThat(settings.current()).get().extracting(ProviderConfig::issuer)
                .isEqualTo("http://localhost:" + port + "/dev/federation");
        TestBrowser.Response discovery = browser.get("/dev/federation/.well-known/openid-configuration");
        assertThat(discovery.status()).isEqualTo(HttpStatus.OK);
        assertThat(discovery.body()).contains("\"issuer\":\"http://localhost:" + port + "/dev/federation\"")
                .contains("end_session_endpoint");
    }

    @Test
    void personThreeWhenCreatingThroughDevProviderThenAccountCreatedActivatedAndUsable() {
        TestBrowser.Response callback = throughDevProvider("/federation/inscription", "3");
        assertThat(callback.location().getPath()).isEqualTo("/inscription/cgu");

        browser.get("/inscription/cgu");
        browser.post("/inscription/cgu", Map.of("decision", "accepter"));
        browser.get("/inscription/mot-de-passe");
        browser.post("/inscription/mot-de-passe", Map.of("motDePasse", "Fc-Dupont-Ameli", "confirmation", "Fc-Dupont-Ameli"));
        browser.get("/inscription/coordonnees");
        TestBrowser.Response contact = browser.post("/inscription/coordonnees", Map.of("email", "jp.dupont.dev@example.fr",
                "emailConfirmation", "jp.dupont.dev@example.fr", "consentementEmail", "oui"));
        assertThat(contact.location().getPath()).isEqualTo("/inscription/confirmation-email");

        Account account = accounts.findByNir(Nir.parse(PERSON_3_NIR)).block();
        assertThat(account.status()).isEqualTo(AccountStatus.PENDING);
        assertThat(account.federationSub()).isEqualTo(DevFederationProvider.IDENTITIES.get(0).claims().get("sub"));
        String link = confirmations.issue(account.id(), "jp.dupont.dev@example.fr", EmailConfirmations.Purpose.ACTIVATION,
                Duration.ofDays(21)).block();
        assertThat(browser.get("/inscription/activation?jeton=" + link).body()).contains("Votre compte est activé");

        // Login through the provider, then logout at both ends.
        TestBrowser.Response login = throughDevProvider("/federation/login", "3");
        assertThat(login.location().toString()).isEqualTo("/");
        assertThat(browser.cookie("AMELI_SESSION")).isNotBlank();
        browser.get("/");
        TestBrowser.Response logout = browser.post("/deconnexion", Map.of());
        assertThat(logout.location().getPath()).isEqualTo("/dev/federation/session/end");
        TestBrowser.Response back = browser.follow(logout);
        assertThat(back.location().getPath()).isEqualTo("/federation/logout-callback");
        assertThat(browser.follow(back).location().toString()).isEqualTo("/");
        assertThat(browser.cookie("AMELI_SESSION")).isNull();
    }

    @Test
    void devProviderWhenPersonRefusesThenCreationImpossible() {
        TestBrowser.Response toProvider = browser.get("/federation/inscription");
        TestBrowser.Response page = browser.follow(toProvider);
        TestBrowser.Response refused = browser.post("/dev/federation/authorize", Map.of("interaction", interaction(page),
                "action", "refuser"));
        TestBrowser.Response result = browser.follow(refused);
        assertThat(result.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(result.body()).contains("Création via FranceConnect impossible pour le moment");
    }

    @Test
    void devProviderWhenNotEmbeddedThenAbsent() {
        new ApplicationContextRunner().withPropertyValues("idp.embedded.active=false")
                .withUserConfiguration(DevFederationProvider.class)
                .run(context -> assertThat(context).doesNotHaveBean("devFederationRouter"));
    }

    /** Our redirect → the dev provider's page → the chosen identity → our callback. */
    private TestBrowser.Response throughDevProvider(String start, String identity) {
        TestBrowser.Response toProvider = browser.get(start);
        assertThat(toProvider.location().getPath()).isEqualTo("/dev/federation/authorize");
        TestBrowser.Response page = browser.follow(toProvider);
        assertThat(page.body()).contains("Jean-Pierre Louis DUPONT").contains("Claire Anne MARTIN");
        TestBrowser.Response code = browser.post("/dev/federation/authorize", Map.of("interaction", interaction(page),
                "identite", identity, "action", "continuer"));
        assertThat(code.location().getPath()).isEqualTo("/federation/callback");
        TestBrowser.Response callback = browser.follow(code);
        assertThat(callback.status()).as(callback.body()).isEqualTo(HttpStatus.SEE_OTHER);
        return callback;
    }

    private static String interaction(TestBrowser.Response page) {
        Matcher m = INTERACTION.matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1);
    }
}
