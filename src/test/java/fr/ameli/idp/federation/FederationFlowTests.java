package fr.ameli.idp.federation;

import static fr.ameli.idp.federation.FederationTestSupport.PERSON_1_NIR;
import static fr.ameli.idp.federation.FederationTestSupport.PERSON_3_NIR;
import static fr.ameli.idp.federation.FederationTestSupport.count;
import static fr.ameli.idp.federation.FederationTestSupport.query;
import static fr.ameli.idp.federation.FederationTestSupport.toProvider;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.ACR;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.EmailConfirmations;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.oidc.shared.Pkce;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The journeys through a FranceConnect-like provider simulated by WireMock, against the running service over
 * real HTTP: creation of person 3's account through activation (ES256, signed userinfo); login of a linked
 * account resuming a relying party's request (RS256, JSON userinfo, client_secret_basic); linking person 1's
 * existing account with her password; logout propagated to the provider; JWKS re-read on key rotation.
 */
@IdpIntegrationTest
class FederationFlowTests {

    static final String DEMO_RP = "demo-rp";
    static final String DEMO_RP_SECRET = "demo-rp-secret-0123456789abcdef0123456789";
    static final String DEMO_RP_REDIRECT = "http://localhost:9876/callback";

    static final FakeProvider provider = new FakeProvider();

    /** People of the account-link tests, each with an unlinked account: wrong passwords are typed for them only. */
    static final List<String> LINK_NIRS = List.of("2820344109001", "2820344109002", "2820344109003", "2820344109004");
    static final List<String> LINK_GIVEN_NAMES = List.of("Marie", "Anne", "Lucie", "Julie");
    static final String LINK_PASSWORD = "Liaison-Ameli-2026";

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

    @Autowired
    Registry registry;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    MutableClock clock;

    TestBrowser browser;

    @BeforeAll
    static void startProvider() {
        provider.start();
    }

    @AfterAll
    static void stopProvider() {
        provider.stop();
    }

    @BeforeEach
    void setUp() {
        // Time stands still: a test about limits never straddles two windows.
        clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        provider.reset();
        FederationTestSupport.resetDemoPeople(db);
        browser = new TestBrowser(port);
        TestInsuredPersons.importInto(registry, LINK_NIRS.stream().map(nir -> TestInsuredPersons.eligible(nir, "LIAISON")
                .female().givenNames(LINK_GIVEN_NAMES.get(LINK_NIRS.indexOf(nir))).birthDate("1982-03-04"))
                .toArray(TestInsuredPersons.Builder[]::new));
        String hash = hasher.hash(LINK_PASSWORD).block();
        for (String nir : LINK_NIRS) {
            db.sql("delete from account where nir = '" + nir + "'").then().block();
            accounts.provision(Nir.parse(nir), AccountStatus.ACTIVE, "liaison" + nir.substring(10) + "@example.org", hash).block();
        }
    }

    /** The identity pivot the provider sends for {@code LINK_NIRS.get(index)}. */
    static Map<String, Object> linkPivot(String sub, int index) {
        return FakeProvider.pivot(sub, LINK_GIVEN_NAMES.get(index), "LIAISON", "1982-03-04", "female",
                "44109", "99100");
    }

    @AfterEach
    void tearDown() {
        clock.reset();
        settings.reset();
        FederationTestSupport.resetDemoPeople(db);
    }

    @Test
    void creationWhenPersonThreeIdentifiesThenAccountCreatedLinkedAndActivated() {
        settings.use(provider.config(JWSAlgorithm.ES256, ProviderConfig.UserinfoFormat.JWT));
        assertThat(browser.get("/inscription").body()).contains("action=\"/federation/inscription\"")
                .contains("Je crée immédiatement mon compte via FranceConnect");

        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get("/federation/inscription?auth="),
                provider.issuer() + "/authorize");
        assertThat(redirect.params()).containsEntry("response_type", "code")
                .containsEntry("client_id", FakeProvider.CLIENT_ID)
                .containsEntry("redirect_uri", "http://localhost:" + port + "/federation/callback")
                .containsEntry("scope", "openid given_name family_name birthdate gender birthplace birthcountry email")
                .containsEntry("acr_values", "eidas1")
                .containsEntry("prompt", "login")
                .containsEntry("code_challenge_method", "S256");
        assertThat(redirect.state()).hasSize(43);
        assertThat(redirect.nonce()).hasSize(43).isNotEqualTo(redirect.state());
        assertThat(browser.cookie(FederationRoutes.BROWSER_COOKIE)).isNotBlank();

        String sub = "fc-sub-person-3";
        provider.stubToken(provider.sign(provider.idToken(sub, redirect.nonce()), JWSAlgorithm.ES256));
        provider.stubUserinfoJwt(provider.sign(provider.userinfo(FakeProvider.person3(sub)), JWSAlgorithm.ES256));
        TestBrowser.Response callback = browser.get("/federation/callback?code=provider-code-1&state=" + redirect.state());
        assertThat(callback.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(callback.location().getPath()).isEqualTo("/inscription/cgu");
        assertThat(browser.cookie("AMELI_ENROLLMENT")).isNotBlank();

        // The code was exchanged with our PKCE verifier and client_secret_post.
        Map<String, String> token = provider.lastTokenRequest();
        assertThat(token).containsEntry("grant_type", "authorization_code").containsEntry("code", "provider-code-1")
                .containsEntry("client_id", FakeProvider.CLIENT_ID).containsEntry("client_secret", FakeProvider.CLIENT_SECRET)
                .containsEntry("redirect_uri", "http://localhost:" + port + "/federation/callback");
        assertThat(Pkce.s256(token.get("code_verifier"))).isEqualTo(redirect.params().get("code_challenge"));
        assertThat(provider.lastRequest("/userinfo").getHeader("Authorization")).isEqualTo("Bearer " + FakeProvider.ACCESS_TOKEN);

        // The steps of the carte Vitale path, same pages: CGU, password, contact details, email confirmation.
        assertThat(browser.get("/inscription/cgu").status()).isEqualTo(HttpStatus.OK);
        assertThat(browser.post("/inscription/cgu", Map.of("decision", "accepter")).location().getPath())
                .isEqualTo("/inscription/mot-de-passe");
        browser.get("/inscription/mot-de-passe");
        assertThat(browser.post("/inscription/mot-de-passe", Map.of("motDePasse", "Fc-Dupont-Ameli", "confirmation",
                "Fc-Dupont-Ameli")).location().getPath()).isEqualTo("/inscription/coordonnees");
        browser.get("/inscription/coordonnees");
        assertThat(browser.post("/inscription/coordonnees", Map.of("email", "jp.dupont@example.fr", "emailConfirmation",
                "jp.dupont@example.fr", "consentementEmail", "non")).location().getPath())
                .isEqualTo("/inscription/confirmation-email");

        Account account = accounts.findByNir(Nir.parse(PERSON_3_NIR)).block();
        assertThat(account.status()).isEqualTo(AccountStatus.PENDING);
        assertThat(account.federationSub()).isEqualTo(sub);
        assertThat(count(db, "select count(*) from email_confirmation where account_id = '" + account.id() + "'")).isOne();

        // Activation: the mail outbox is not delivered on this branch yet, so the test issues the newest link itself.
        String link = confirmations.issue(account.id(), "jp.dupont@example.fr", EmailConfirmations.Purpose.ACTIVATION,
                Duration.ofDays(21)).block();
        assertThat(browser.get("/inscription/activation?jeton=" + link).body()).contains("Votre compte est activé");
        assertThat(accounts.findById(account.id()).block().status()).isEqualTo(AccountStatus.ACTIVE);

        // From now on « S'identifier avec FranceConnect » logs her in directly.
        TestBrowser.Response login = federatedLogin("/federation/login", sub, FakeProvider.person3(sub), JWSAlgorithm.ES256);
        assertThat(login.location().toString()).isEqualTo("/");
        assertThat(browser.cookie("AMELI_SESSION")).isNotBlank();
        assertThat(browser.get("/").body()).contains("Vous êtes connecté");
    }

    @Test
    void loginWhenAccountLinkedThenRelyingPartyRequestResumesWithCode() throws Exception {
        settings.use(provider.config(JWSAlgorithm.RS256, ProviderConfig.UserinfoFormat.JSON)
                .withTokenAuth(ProviderConfig.TokenAuth.CLIENT_SECRET_BASIC));
        String sub = "fc-sub-martin-rs256";
        link(PERSON_1_NIR, sub);

        State rpState = new State();
        CodeVerifier rpVerifier = new CodeVerifier();
        URI authorize = new AuthenticationRequest.Builder(new ResponseType("code"), Scope.parse("openid profile"),
                new ClientID(DEMO_RP), URI.create(DEMO_RP_REDIRECT))
                .endpointURI(URI.create("http://localhost:" + port + "/authorize"))
                .state(rpState).nonce(new Nonce()).acrValues(List.of(new ACR("eidas1")))
                .codeChallenge(rpVerifier, CodeChallengeMethod.S256).build().toURI();
        TestBrowser.Response toLogin = browser.get(authorize.toString());
        assertThat(toLogin.location().getPath()).isEqualTo("/login");
        String auth = toLogin.query("auth");
        assertThat(browser.follow(toLogin).body()).contains("action=\"/federation/login\"");

        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get("/federation/login?auth=" + auth),
                provider.issuer() + "/authorize");
        provider.stubToken(provider.sign(provider.idToken(sub, redirect.nonce()), JWSAlgorithm.RS256));
        provider.stubUserinfoJson(FakeProvider.person1(sub));
        TestBrowser.Response next = browser.get("/federation/callback?code=c2&state=" + redirect.state());
        assertThat(browser.cookie("AMELI_SESSION")).isNotBlank();
        if ("/consent".equals(next.location().getPath())) {
            browser.follow(next);
            next = browser.post("/consent", Map.of("auth", auth, "decision", "accepter"));
        }
        assertThat(next.location().toString()).startsWith(DEMO_RP_REDIRECT + "?code=");
        assertThat(next.query("state")).isEqualTo(rpState.getValue());

        // client_secret_basic: the secret went in the Authorization header, not in the body.
        assertThat(provider.lastRequest("/token").getHeader("Authorization")).startsWith("Basic ");
        assertThat(provider.lastTokenRequest()).doesNotContainKey("client_secret");

        TokenResponse tokens = OIDCTokenResponseParser.parse(new TokenRequest(URI.create("http://localhost:" + port + "/token"),
                new ClientSecretBasic(new ClientID(DEMO_RP), new Secret(DEMO_RP_SECRET)),
                new AuthorizationCodeGrant(new AuthorizationCode(next.query("code")), URI.create(DEMO_RP_REDIRECT),
                        rpVerifier)).toHTTPRequest().send());
        assertThat(tokens.indicatesSuccess()).isTrue();
        assertThat(((OIDCTokenResponse) tokens).getOIDCTokens().getIDToken().getJWTClaimsSet().getStringClaim("acr"))
                .isEqualTo("eidas1");
    }

    @Test
    void loginWhenExistingAccountNotLinkedThenPasswordConfirmsAndLinks() {
        settings.use(provider.config(JWSAlgorithm.ES256, ProviderConfig.UserinfoFormat.JWT));
        String sub = "fc-sub-martin-link";
        TestBrowser.Response toConfirm = federatedLogin("/federation/login", sub, FakeProvider.person1(sub),
                JWSAlgorithm.ES256);
        assertThat(toConfirm.location().getPath()).isEqualTo("/federation/confirmation");
        assertThat(browser.cookie("AMELI_SESSION")).isNull();
        assertThat(accounts.findByNir(Nir.parse(PERSON_1_NIR)).block().federationSub()).isNull();

        TestBrowser.Response page = browser.follow(toConfirm);
        assertThat(page.body()).contains("Confirmez votre compte ameli").contains("2 85 ** ** *** *** 96")
                .doesNotContain("2850575112034").doesNotContain("75 112 034");
        TestBrowser.Response wrong = browser.post("/federation/confirmation", Map.of("motDePasse", "Not-Her-Password-1"));
        assertThat(wrong.status()).isEqualTo(HttpStatus.OK);
        assertThat(wrong.body()).contains("Le code personnel est incorrect");
        assertThat(accounts.findByNir(Nir.parse(PERSON_1_NIR)).block().federationSub()).isNull();

        TestBrowser.Response linked = browser.post("/federation/confirmation", Map.of("motDePasse", "Ameli-Demo-2026"));
        assertThat(linked.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(linked.location().toString()).isEqualTo("/");
        assertThat(browser.cookie("AMELI_SESSION")).isNotBlank();
        assertThat(accounts.findByNir(Nir.parse(PERSON_1_NIR)).block().federationSub()).isEqualTo(sub);
        // The link was used once: replaying the form changes nothing.
        assertThat(browser.post("/federation/confirmation", Map.of("motDePasse", "Ameli-Demo-2026")).status())
                .isEqualTo(HttpStatus.BAD_REQUEST);

        // Next time, no password: the subject is known.
        TestBrowser second = new TestBrowser(port);
        browser = second;
        TestBrowser.Response again = federatedLogin("/federation/login", sub, FakeProvider.person1(sub), JWSAlgorithm.ES256);
        assertThat(again.location().toString()).isEqualTo("/");
        assertThat(second.cookie("AMELI_SESSION")).isNotBlank();
    }

    @Test
    void linkWhenTooManyWrongPasswordsThenLinkDiesAndNothingLinked() {
        // A person of this test: five wrong passwords must not use up person 1's budget, which other tests log in on.
        String nir = LINK_NIRS.get(0);
        settings.use(provider.config(JWSAlgorithm.ES256, ProviderConfig.UserinfoFormat.JWT));
        String sub = "fc-sub-liaison-attempts";
        browser.follow(federatedLogin("/federation/login", sub, linkPivot(sub, 0), JWSAlgorithm.ES256));
        TestBrowser.Response last = null;
        for (int i = 0; i < 5; i++) {
            last = browser.post("/federation/confirmation", Map.of("motDePasse", "Wrong-Password-" + i));
        }
        assertThat(last.body()).contains("trop d&#39;erreurs");
        assertThat(browser.get("/federation/confirmation").status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(accounts.findByNir(Nir.parse(nir)).block().federationSub()).isNull();
    }

    @Test
    void linkWhenNirBudgetOfWrongPasswordsUsedOnLoginFormThenRightPasswordRefusedUntilWindowEnds() {
        String nir = LINK_NIRS.get(1);
        // Nine wrong passwords on the login form, each from another address: one try left for the NIR.
        for (int i = 0; i < 9; i++) {
            TestBrowser guesser = new TestBrowser(port);
            guesser.get("/login");
            assertThat(guesser.post("/login", Map.of("nir", nir, "password", "Devine-" + i)).body()).contains("est incorrect");
        }
        settings.use(provider.config(JWSAlgorithm.ES256, ProviderConfig.UserinfoFormat.JWT));
        String sub = "fc-sub-liaison-budget";
        browser.follow(federatedLogin("/federation/login", sub, linkPivot(sub, 1), JWSAlgorithm.ES256));
        // The tenth wrong password, typed on the link page, is the last one the NIR gets.
        assertThat(browser.post("/federation/confirmation", Map.of("motDePasse", "Devine-link")).body())
                .contains("Le code personnel est incorrect");
        TestBrowser.Response refused = browser.post("/federation/confirmation", Map.of("motDePasse", LINK_PASSWORD));
        assertThat(refused.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(refused.body()).contains("Trop de codes personnels erronés");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(accounts.findByNir(Nir.parse(nir)).block().federationSub()).isNull();
        // The refused try was not checked: the link is still there, for when the window ends.
        assertThat(browser.get("/federation/confirmation").status()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void loginWhenWrongPasswordsTypedOnLinkPagesThenCountedInTheNirBudgetOfTheLoginForm() {
        String nir = LINK_NIRS.get(2);
        settings.use(provider.config(JWSAlgorithm.ES256, ProviderConfig.UserinfoFormat.JWT));
        // Two links of four wrong passwords each (under the five a link allows), then two on the login form.
        for (int link = 0; link < 2; link++) {
            browser = new TestBrowser(port);
            String sub = "fc-sub-liaison-count-" + link;
            browser.follow(federatedLogin("/federation/login", sub, linkPivot(sub, 2), JWSAlgorithm.ES256));
            for (int i = 0; i < 4; i++) {
                assertThat(browser.post("/federation/confirmation", Map.of("motDePasse", "Devine-" + link + i)).body())
                        .contains("Le code personnel est incorrect");
            }
        }
        for (int i = 0; i < 2; i++) {
            TestBrowser guesser = new TestBrowser(port);
            guesser.get("/login");
            assertThat(guesser.post("/login", Map.of("nir", nir, "password", "Devine-" + i)).body()).contains("est incorrect");
        }
        TestBrowser holder = new TestBrowser(port);
        holder.get("/login");
        TestBrowser.Response refused = holder.post("/login", Map.of("nir", nir, "password", LINK_PASSWORD));
        assertThat(refused.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(refused.body()).contains("Trop de tentatives de connexion ont échoué pour ce numéro");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
    }

    @Test
    void linkWhenAddressSprayedWrongPasswordsOnLoginFormThenLinkFromThatAddressRefused() {
        String address = TestBrowser.newClientAddress();
        TestBrowser sprayer = new TestBrowser(port).header("X-Forwarded-For", address);
        for (int i = 0; i < 30; i++) {
            // A different NIR each time: only the address can be counted.
            sprayer.get("/login");
            assertThat(sprayer.post("/login", Map.of("nir", String.format("2820344109%03d", 500 + i), "password",
                    "Ameli-2026!")).status()).isEqualTo(HttpStatus.OK);
        }
        String nir = LINK_NIRS.get(3);
        settings.use(provider.config(JWSAlgorithm.ES256, ProviderConfig.UserinfoFormat.JWT));
        String sub = "fc-sub-liaison-address";
        browser = new TestBrowser(port).header("X-Forwarded-For", address);
        browser.follow(federatedLogin("/federation/login", sub, linkPivot(sub, 3), JWSAlgorithm.ES256));
        TestBrowser.Response refused = browser.post("/federation/confirmation", Map.of("motDePasse", LINK_PASSWORD));
        assertThat(refused.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(accounts.findByNir(Nir.parse(nir)).block().federationSub()).isNull();
        // From another address, the holder links.
        TestBrowser other = new TestBrowser(port);
        for (Map.Entry<String, String> cookie : browser.cookies().entrySet()) {
            other.setCookie(cookie.getKey(), cookie.getValue());
        }
        other.get("/federation/confirmation");
        assertThat(other.post("/federation/confirmation", Map.of("motDePasse", LINK_PASSWORD)).status())
                .isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(accounts.findByNir(Nir.parse(nir)).block().federationSub()).isEqualTo(sub);
    }

    @Test
    void logoutWhenSessionOpenedThroughProviderThenProviderSessionEndedAndBrowserComesBack() {
        settings.use(provider.config(JWSAlgorithm.ES256, ProviderConfig.UserinfoFormat.JWT));
        String sub = "fc-sub-martin-logout";
        link(PERSON_1_NIR, sub);
        federatedLogin("/federation/login", sub, FakeProvider.person1(sub), JWSAlgorithm.ES256);
        String idToken = provider.lastIdToken;

        assertThat(browser.get("/").body()).contains("Me déconnecter");
        TestBrowser.Response logout = browser.post("/deconnexion", Map.of());
        assertThat(logout.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(logout.location().toString()).startsWith(provider.issuer() + "/session/end?");
        Map<String, String> params = query(logout.location());
        assertThat(params).containsEntry("id_token_hint", idToken)
                .containsEntry("post_logout_redirect_uri", "http://localhost:" + port + "/federation/logout-callback");
        assertThat(params.get("state")).hasSize(43);
        assertThat(browser.cookie("AMELI_SESSION")).isNull();

        TestBrowser.Response back = browser.get("/federation/logout-callback?state=" + params.get("state"));
        assertThat(back.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(back.location().toString()).isEqualTo("/");
        // The state is single-use: a replay goes nowhere but our « déconnecté » page.
        TestBrowser.Response replay = browser.get("/federation/logout-callback?state=" + params.get("state"));
        assertThat(replay.status()).isEqualTo(HttpStatus.OK);
        assertThat(replay.body()).contains("Vous êtes déconnecté");
    }

    @Test
    void relyingPartyLogoutWhenSessionOpenedThroughProviderThenProviderFirstThenRelyingParty() throws Exception {
        settings.use(provider.config(JWSAlgorithm.ES256, ProviderConfig.UserinfoFormat.JWT));
        String sub = "fc-sub-martin-rp-logout";
        link(PERSON_1_NIR, sub);
        CodeVerifier rpVerifier = new CodeVerifier();
        URI authorize = new AuthenticationRequest.Builder(new ResponseType("code"), Scope.parse("openid"),
                new ClientID(DEMO_RP), URI.create(DEMO_RP_REDIRECT))
                .endpointURI(URI.create("http://localhost:" + port + "/authorize"))
                .state(new State()).nonce(new Nonce()).codeChallenge(rpVerifier, CodeChallengeMethod.S256).build().toURI();
        String auth = browser.get(authorize.toString()).query("auth");
        TestBrowser.Response next = federatedLogin("/federation/login?auth=" + auth, sub, FakeProvider.person1(sub),
                JWSAlgorithm.ES256);
        if ("/consent".equals(next.location().getPath())) {
            browser.follow(next);
            next = browser.post("/consent", Map.of("auth", auth, "decision", "accepter"));
        }
        TokenResponse tokens = OIDCTokenResponseParser.parse(new TokenRequest(URI.create("http://localhost:" + port + "/token"),
                new ClientSecretBasic(new ClientID(DEMO_RP), new Secret(DEMO_RP_SECRET)),
                new AuthorizationCodeGrant(new AuthorizationCode(next.query("code")), URI.create(DEMO_RP_REDIRECT),
                        rpVerifier)).toHTTPRequest().send());
        String rpIdToken = ((OIDCTokenResponse) tokens).getOIDCTokens().getIDTokenString();

        TestBrowser.Response logout = browser.get("/logout?id_token_hint=" + rpIdToken
                + "&post_logout_redirect_uri=http://localhost:9876/&state=bye-42");
        assertThat(logout.location().toString()).startsWith(provider.issuer() + "/session/end?");
        assertThat(browser.cookie("AMELI_SESSION")).isNull();
        TestBrowser.Response back = browser.get("/federation/logout-callback?state=" + query(logout.location()).get("state"));
        assertThat(back.location().toString()).isEqualTo("http://localhost:9876/?state=bye-42");
    }

    @Test
    void verifyWhenProviderRotatesKeyThenJwksFetchedAgainOnceAndDiscoveryCached() throws JOSEException {
        settings.use(provider.config(JWSAlgorithm.ES256, ProviderConfig.UserinfoFormat.JWT));
        String sub = "fc-sub-martin-rotation";
        link(PERSON_1_NIR, sub);
        federatedLogin("/federation/login", sub, FakeProvider.person1(sub), JWSAlgorithm.ES256);
        assertThat(provider.requestCount("/jwks")).isOne();

        ECKey rotated = new ECKeyGenerator(Curve.P_256).keyID("es-key-2").keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256).generate();
        provider.stubJwks(rotated, provider.rs256);
        browser = new TestBrowser(port);
        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get("/federation/login"),
                provider.issuer() + "/authorize");
        provider.stubToken(provider.sign(provider.idToken(sub, redirect.nonce()), JWSAlgorithm.ES256, rotated));
        provider.stubUserinfoJwt(provider.sign(provider.userinfo(FakeProvider.person1(sub)), JWSAlgorithm.ES256, rotated));
        TestBrowser.Response callback = browser.get("/federation/callback?code=c3&state=" + redirect.state());
        assertThat(callback.location().toString()).isEqualTo("/");
        assertThat(provider.requestCount("/jwks")).isEqualTo(2);
        assertThat(provider.requestCount("/.well-known/openid-configuration")).isOne();
    }

    @Test
    void loginWhenLegacyHs256ConfiguredThenSecretKeyedTokensAccepted() {
        settings.use(provider.config(JWSAlgorithm.HS256, ProviderConfig.UserinfoFormat.JSON));
        String sub = "fc-sub-martin-hs256";
        link(PERSON_1_NIR, sub);
        TestBrowser.Response login = federatedLogin("/federation/login", sub, FakeProvider.person1(sub), JWSAlgorithm.HS256);
        assertThat(login.location().toString()).isEqualTo("/");
        assertThat(provider.requestCount("/jwks")).isZero();
    }

    /** The whole round trip: our redirect, the provider's answers for that nonce, the callback. */
    private TestBrowser.Response federatedLogin(String start, String sub, Map<String, Object> pivot, JWSAlgorithm alg) {
        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get(start), provider.issuer() + "/authorize");
        String idToken = provider.sign(provider.idToken(sub, redirect.nonce()), alg);
        provider.lastIdToken = idToken;
        provider.stubToken(idToken);
        if (settings.current().orElseThrow().userinfoFormat() == ProviderConfig.UserinfoFormat.JWT) {
            provider.stubUserinfoJwt(provider.sign(provider.userinfo(pivot), alg));
        } else {
            provider.stubUserinfoJson(pivot);
        }
        TestBrowser.Response callback = browser.get("/federation/callback?code=code-" + sub + "&state=" + redirect.state());
        assertThat(callback.status()).as(callback.body()).isEqualTo(HttpStatus.SEE_OTHER);
        return callback;
    }

    private void link(String nir, String sub) {
        Account account = accounts.findByNir(Nir.parse(nir)).block();
        assertThat(accounts.linkFederation(account.id(), sub).block()).isTrue();
    }
}
