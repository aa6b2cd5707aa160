package fr.ameli.idp.oidc.shared;

import fr.ameli.idp.registry.PivotIdentity;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which claims each scope grants, as FranceConnect names them (standard level), and their values in
 * FranceConnect formats: all given names space-separated, birth name as family name, ISO birth date,
 * male/female, COG codes (birthplace empty when born abroad), usage name as preferred_username.
 */
public final class ScopeClaims {

    public static final List<String> PIVOT = List.of("given_name", "family_name", "birthdate", "gender", "birthplace",
            "birthcountry");

    private static final Map<String, List<String>> GRANTS = Map.ofEntries(
            Map.entry("openid", List.of("sub")),
            Map.entry("profile", List.of("given_name", "family_name", "birthdate", "gender", "preferred_username")),
            Map.entry("birth", List.of("birthplace", "birthcountry")),
            Map.entry("identite_pivot", PIVOT),
            Map.entry("email", List.of("email")),
            Map.entry("given_name", List.of("given_name")),
            Map.entry("family_name", List.of("family_name")),
            Map.entry("birthdate", List.of("birthdate")),
            Map.entry("gender", List.of("gender")),
            Map.entry("birthplace", List.of("birthplace")),
            Map.entry("birthcountry", List.of("birthcountry")),
            Map.entry("preferred_username", List.of("preferred_username")));

    private static final List<String> ORDER = List.of("sub", "given_name", "family_name", "preferred_username",
            "birthdate", "gender", "birthplace", "birthcountry", "email");

    private ScopeClaims() {
    }

    public static boolean known(String scope) {
        return GRANTS.containsKey(scope);
    }

    /** The claims granted by these scopes, in a stable order (for the consent page and userinfo). */
    public static Set<String> claims(Collection<String> scopes) {
        Set<String> granted = new HashSet<>();
        for (String scope : scopes) {
            granted.addAll(GRANTS.getOrDefault(scope, List.of()));
        }
        Set<String> claims = new LinkedHashSet<>();
        for (String claim : ORDER) {
            if (granted.contains(claim)) {
                claims.add(claim);
            }
        }
        return claims;
    }

    /** Values of the identity claims among {@code claims} ({@code sub} is added by the caller). */
    public static Map<String, Object> values(Set<String> claims, PivotIdentity person, @Nullable String email) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String claim : claims) {
            Object value = switch (claim) {
                case "given_name" -> person.givenNames();
                case "family_name" -> person.birthName();
                case "preferred_username" -> person.usageName();
                case "birthdate" -> person.birthDate().iso();
                case "gender" -> person.gender().claim();
                case "birthplace" -> person.birthplace() == null ? "" : person.birthplace();
                case "birthcountry" -> person.birthcountry();
                case "email" -> email;
                default -> null;
            };
            if (value != null) {
                values.put(claim, value);
            }
        }
        return values;
    }
}
