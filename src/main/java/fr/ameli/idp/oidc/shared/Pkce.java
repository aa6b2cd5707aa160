package fr.ameli.idp.oidc.shared;

import fr.ameli.idp.platform.Secrets;
import java.util.regex.Pattern;

/** RFC 7636 with S256 only (plain is not offered: FranceConnect v2 and RFC 9700 §2.1.1). */
public final class Pkce {

    /** code_verifier / code_challenge alphabet and lengths (RFC 7636 §4.1, §4.2). */
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9\\-_]{43}");

    private Pkce() {
    }

    public static boolean validChallenge(String challenge) {
        return CHALLENGE.matcher(challenge).matches();
    }

    public static boolean validVerifier(String verifier) {
        return VERIFIER.matcher(verifier).matches();
    }

    /** BASE64URL(SHA256(ASCII(code_verifier))). */
    public static String s256(String verifier) {
        return Secrets.base64Url(Secrets.sha256(verifier));
    }
}
