package fr.ameli.idp.oidc.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/** The redirect with a code: the string the URI builder makes, built by appending where the redirect URI allows it. */
class CodeRedirectTests {

    private static final String CODE = "AQ3x-_Zy" + "a".repeat(380);
    private static final String ISSUER = "https://idp.ameli.example";

    private static final List<String> REDIRECTS = List.of("http://localhost:9876/callback", "https://rp.example/cb",
            "https://rp.example/cb?a=1", "https://rp.example/cb?a=1&b=2", "https://rp.example/cb?", "https://rp.example/",
            "https://rp.example", "https://rp.example:8443/a/b;c=d/e?x=y+z&w=!$'()*,;:@/?",
            "com.example.app:/oauth2redirect", "https://user@rp.example/cb", "https://rp.example/cb?q=a=b", "https://rp.example/cb?a=1&", "https://rp.example/cb??",
            // Through the builder: a fragment, non-ASCII, an IPv6 host, a percent-encoded character, a space.
            "https://rp.example/cb#frag", "https://rp.exemple.fr/retour-é", "https://[::1]:8443/cb",
            "https://rp.example/c%20b", "https://rp.example/c b");

    private static final List<String> STATES = List.of("state", "0123456789abcdef".repeat(4), "a b", "a+b", "a&b=c",
            "a%2Fb", "é à ü", "😀", "?/#[]@!$'()*,;:", "\"<>\\^`|", "x".repeat(512), "a\u0000b");

    private static URI builder(String redirect, String state) {
        return UriComponentsBuilder.fromUriString(redirect).queryParam("code", CODE).queryParam("state", state)
                .queryParam("iss", ISSUER).encode().build().toUri();
    }

    @Test
    void ofWhenAnyRedirectUriAndStateThenTheStringTheBuilderMakes() {
        for (String redirect : REDIRECTS) {
            for (String state : STATES) {
                assertThat(CodeRedirect.of(redirect, CODE, state, ISSUER).toString()).as(redirect + " / " + state)
                        .isEqualTo(builder(redirect, state).toString());
            }
        }
    }

    @Test
    void ofWhenTheRedirectUriHasAQueryThenTheParametersFollowIt() {
        assertThat(CodeRedirect.of("https://rp.example/cb?a=1", "c", "s", ISSUER).toString())
                .isEqualTo("https://rp.example/cb?a=1&code=c&state=s&iss=https://idp.ameli.example");
        assertThat(CodeRedirect.of("https://rp.example/cb", "c", "s", ISSUER).toString())
                .isEqualTo("https://rp.example/cb?code=c&state=s&iss=https://idp.ameli.example");
    }

    /** Braces, which the builder would take for a URI variable, come back to the client as they were sent. */
    @Test
    void ofWhenTheStateHasBracesThenTheClientReadsItBackUnchanged() {
        for (String state : List.of("{x}", "a{b}c", "{", "}{")) {
            URI uri = CodeRedirect.of("https://rp.example/cb", CODE, state, ISSUER);
            String sent = UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst("state");
            assertThat(UriUtils.decode(sent, StandardCharsets.UTF_8)).isEqualTo(state);
        }
    }
}
