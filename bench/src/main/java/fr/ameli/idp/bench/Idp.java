package fr.ameli.idp.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the benchmark does with an OpenID Connect provider, the same way for both servers: a relying party
 * (confidential client, client_secret_basic, PKCE S256, ES256 ID token and ES256-signed userinfo) and a person's
 * browser. Only the endpoint paths and the login page differ ({@link Product}, {@link Keycloak}).
 *
 * <p>Every response is checked (status, redirect target, state, the presence of the code, of the ID token, of the
 * signed userinfo); with {@code verify} the signatures and claims of the JWTs are verified too against the JWKS
 * (the load generator does that on one operation in 16 of each virtual user, to keep its own CPU low).
 */
abstract class Idp {

    static final String CLIENT_ID = "demo-rp";
    static final String CLIENT_SECRET = "demo-rp-secret-0123456789abcdef0123456789";
    static final String REDIRECT_URI = "http://localhost:9876/callback";
    /** The same claims from both: profile (names, birth date, gender), email, and birth (birthplace, country). */
    static final String SCOPE = "openid profile email birth";
    static final String PASSWORD = "Ameli-Demo-2026";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
            (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));

    final String name;
    final URI base;
    private volatile DefaultJWTProcessor<SecurityContext> jwtProcessor;
    private volatile String issuer;

    Idp(String name, URI base) {
        this.name = name;
        this.base = base;
    }

    abstract URI discovery();

    abstract URI jwks();

    abstract URI authorizationEndpoint();

    abstract URI tokenEndpoint();

    abstract URI userinfoEndpoint();

    /** Extra authorization parameters (the product requires acr_values=eidas1). */
    abstract Map<String, String> extraAuthorizationParameters();

    /**
     * From the response to an authorization request without a session to the redirect back to the relying party:
     * the login page, the form posted with the person's identifier and password, and the consent page when
     * {@code consentAllowed} (the first login only; later ones must not ask).
     */
    abstract URI login(Browser browser, Browser.Response authorizeResponse, boolean consentAllowed) throws Exception;

    /** A request to the authorization endpoint: state, nonce, PKCE S256. */
    record Authorization(URI uri, String state, String nonce, String verifier) {
    }

    Authorization authorization(boolean promptNone) {
        String state = random(16);
        String nonce = random(24);
        String verifier = random(32);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", CLIENT_ID);
        p.put("redirect_uri", REDIRECT_URI);
        p.put("scope", SCOPE);
        p.put("state", state);
        p.put("nonce", nonce);
        p.put("code_challenge", challenge(verifier));
        p.put("code_challenge_method", "S256");
        p.putAll(extraAuthorizationParameters());
        if (promptNone) {
            p.put("prompt", "none");
        }
        return new Authorization(URI.create(authorizationEndpoint() + "?" + Browser.form(p)), state, nonce, verifier);
    }

    /** Reads the issuer and the signing keys once the server is up; the verification of sampled responses uses them. */
    void loadKeys() throws Exception {
        Browser b = new Browser();
        Map<String, Object> discovery = JSONObjectUtils.parse(Browser.expect(b.get(discovery()), 200).body());
        issuer = (String) discovery.get("issuer");
        JWKSet keys = JWKSet.parse(Browser.expect(b.get(jwks()), 200).body());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(keys)));
        // userinfo JWTs carry no typ; the processor's default verifier checks exp/nbf when present
        processor.setJWSTypeVerifier((header, context) -> { });
        jwtProcessor = processor;
    }

    // ---- the operations measured ----

    void discoveryDocument(Browser rp, boolean verify) throws Exception {
        Browser.Response r = Browser.expect(rp.get(discovery()), 200);
        if (!r.body().contains("\"userinfo_endpoint\"")) {
            throw new Browser.Failure("discovery document without userinfo_endpoint");
        }
        if (verify && !issuer.equals(JSONObjectUtils.parse(r.body()).get("issuer"))) {
            throw new Browser.Failure("discovery: another issuer");
        }
    }

    void jwksDocument(Browser rp, boolean verify) throws Exception {
        Browser.Response r = Browser.expect(rp.get(jwks()), 200);
        if (!r.body().contains("\"keys\"")) {
            throw new Browser.Failure("JWKS without keys");
        }
        if (verify && JWKSet.parse(r.body()).getKeys().stream().noneMatch(k -> "ES256".equals(String.valueOf(k.getAlgorithm()))
                || k.getKeyType().getValue().equals("EC"))) {
            throw new Browser.Failure("JWKS without an EC key");
        }
    }

    void userinfo(Browser rp, String accessToken, boolean verify) throws Exception {
        Browser.Response r = Browser.expect(rp.get(userinfoEndpoint(), "Authorization", "Bearer " + accessToken), 200);
        if (!r.header("content-type").startsWith("application/jwt") || r.body().chars().filter(c -> c == '.').count() != 2) {
            throw new Browser.Failure("userinfo is not a signed JWT: " + r.header("content-type"));
        }
        if (verify) {
            JWTClaimsSet claims = verified(r.body());
            if (claims.getSubject() == null || claims.getStringClaim("family_name") == null
                    || claims.getStringClaim("birthplace") == null) {
                throw new Browser.Failure("userinfo without sub, family_name or birthplace: " + claims.getClaims().keySet());
            }
        }
    }

    /** SSO: a browser holding a session cookie gets a code without interaction (prompt=none), exchanged for tokens. */
    Tokens sso(Browser browser, Browser rp, boolean verify) throws Exception {
        Authorization a = authorization(true);
        Browser.Response r = Browser.expect(browser.get(a.uri()), 302, 303);
        return exchange(rp, a, code(r.location(), a), verify);
    }

    /** A fresh login: a browser without cookies, authorize → login page → identifier + password → code → tokens. */
    Tokens freshLogin(Browser browser, Browser rp, boolean verify) throws Exception {
        browser.clearCookies();
        return loginFlow(browser, rp, false, verify);
    }

    Tokens loginFlow(Browser browser, Browser rp, boolean consentAllowed, boolean verify) throws Exception {
        Authorization a = authorization(false);
        Browser.Response r = browser.get(a.uri());
        return exchange(rp, a, code(login(browser, r, consentAllowed), a), verify);
    }

    record Tokens(String accessToken, String idToken) {
    }

    private String code(URI callback, Authorization a) {
        if (!callback.toString().startsWith(REDIRECT_URI + "?")) {
            throw new Browser.Failure("not sent back to the relying party: " + callback);
        }
        if (!a.state().equals(Browser.query(callback, "state").orElse(null))) {
            throw new Browser.Failure("state lost: " + callback);
        }
        return Browser.query(callback, "code")
                .orElseThrow(() -> new Browser.Failure("no code: " + Browser.query(callback, "error").orElse("?")));
    }

    private Tokens exchange(Browser rp, Authorization a, String code, boolean verify) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", REDIRECT_URI);
        form.put("code_verifier", a.verifier());
        Browser.Response r = Browser.expect(rp.postForm(tokenEndpoint(), form, "Authorization", BASIC), 200);
        Map<String, Object> json = JSONObjectUtils.parse(r.body());
        Object idToken = json.get("id_token");
        Object accessToken = json.get("access_token");
        if (!(idToken instanceof String id) || !(accessToken instanceof String access)) {
            throw new Browser.Failure("token response without id_token or access_token: " + json.keySet());
        }
        if (verify) {
            SignedJWT jwt = SignedJWT.parse(id);
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
                throw new Browser.Failure("ID token not ES256: " + jwt.getHeader().getAlgorithm());
            }
            JWTClaimsSet claims = verified(id);
            if (!a.nonce().equals(claims.getStringClaim("nonce")) || !claims.getAudience().contains(CLIENT_ID)
                    || !issuer.equals(claims.getIssuer())) {
                throw new Browser.Failure("ID token with a wrong nonce, audience or issuer");
            }
        }
        return new Tokens(access, id);
    }

    private JWTClaimsSet verified(String jwt) {
        try {
            return jwtProcessor.process(jwt, null);
        } catch (Exception e) {
            throw new Browser.Failure("JWT not verified: " + e.getMessage());
        }
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String htmlUnescape(String s) {
        return s.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">");
    }
}
