package fr.ameli.idp.oidc.authorize;

import java.util.regex.Pattern;

/**
 * The values of a space-delimited parameter of an authorization request ({@code scope}, RFC 6749 3.3; {@code prompt}
 * and {@code acr_values}, OIDC Core 3.1.2.1): trimmed, then split on runs of spaces, as {@code trim().split(" +")}
 * splits them. The pattern is compiled once: {@code String.split} compiles a pattern of more than one character at
 * every call, four times per authorization request (0.6 % of SSO's event-loop samples in a profile of issue 11).
 */
final class SpaceDelimited {

    private static final Pattern SPACES = Pattern.compile(" +");

    private SpaceDelimited() {
    }

    static String[] values(String parameter) {
        return SPACES.split(parameter.trim());
    }
}
