package fr.ameli.idp.oidc.shared;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The eIDAS levels this provider reaches, in FranceConnect's names: {@code eidas1} (low: the password, on a browser
 * the account already knows) and {@code eidas2} (substantial: the password and the security code emailed in this
 * very login). Ordered: a session at a level answers every request at that level or below.
 */
public final class Acr {

    public static final String EIDAS1 = "eidas1";
    public static final String EIDAS2 = "eidas2";
    public static final List<String> SUPPORTED = List.of(EIDAS1, EIDAS2);
    /** The authentication methods of a login with the emailed security code: password, mail, two factors. */
    public static final List<String> AMR_SECOND_FACTOR = List.of("pwd", "mail", "mfa");

    private Acr() {
    }

    /** 1 for eidas1, 2 for eidas2, 0 for anything else (unknown levels satisfy nothing). */
    public static int level(@Nullable String acr) {
        if (EIDAS2.equals(acr)) {
            return 2;
        }
        return EIDAS1.equals(acr) ? 1 : 0;
    }

    /** True when a login at {@code achieved} satisfies a request for {@code requested}. */
    public static boolean satisfies(@Nullable String achieved, String requested) {
        return level(achieved) >= level(requested);
    }
}
