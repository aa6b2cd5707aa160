package fr.ameli.idp.federation;

import fr.ameli.idp.account.EmailAddress;
import fr.ameli.idp.registry.BirthDate;
import fr.ameli.idp.registry.CogCode;
import fr.ameli.idp.registry.Gender;
import fr.ameli.idp.registry.InvalidBirthDateException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The identity the provider vouched for: its subject and the identity pivot (SPEC 3.3), each claim
 * validated as FranceConnect validates it (FRANCECONNECT.md, claims table) — an invalid claim fails the
 * whole login. Built only by {@link #from}; {@code toString} shows no personal data.
 *
 * @param sub the provider's subject for this service (non-empty ASCII)
 * @param givenNames all given names, separated by spaces (1–256 characters)
 * @param familyName the birth name (1–256 characters)
 * @param birthDate {@code YYYY-MM-DD}, presumed dates {@code YYYY-MM-00} and {@code YYYY-00-00} included
 * @param gender male or female; {@code null} for FranceConnect's {@code unspecified}
 * @param birthplace the COG commune code when born in France, {@code null} when born abroad
 * @param birthcountry the COG country code ({@code 99100} for France)
 * @param email the address the provider holds, when sent (never used to find or link an account)
 * @param preferredUsername the usage name, when sent
 */
public record FederatedIdentity(
        String sub,
        String givenNames,
        String familyName,
        BirthDate birthDate,
        @Nullable Gender gender,
        @Nullable String birthplace,
        String birthcountry,
        @Nullable String email,
        @Nullable String preferredUsername) {

    private static final Pattern ASCII_SUB = Pattern.compile("[\\x21-\\x7E]{1,255}");

    /**
     * Validates userinfo claims. Throws the provider failure {@code invalid_pivot} naming the first bad claim
     * (the claim's name only, never its value).
     */
    static FederatedIdentity from(Map<String, Object> claims, LocalDate today) {
        String sub = string(claims, "sub", true);
        if (!ASCII_SUB.matcher(sub).matches()) {
            throw invalid("sub");
        }
        String given = name(claims, "given_name");
        String family = name(claims, "family_name");
        BirthDate birthDate;
        try {
            birthDate = BirthDate.parseIso(string(claims, "birthdate", true), today);
        } catch (InvalidBirthDateException e) {
            throw invalid("birthdate");
        }
        String genderClaim = string(claims, "gender", true);
        Gender gender = switch (genderClaim) {
            case "male" -> Gender.MALE;
            case "female" -> Gender.FEMALE;
            case "unspecified" -> null;
            default -> throw invalid("gender");
        };
        String country = string(claims, "birthcountry", true);
        String place = string(claims, "birthplace", false);
        String normalisedPlace = place == null || place.isEmpty() ? null : place.toUpperCase(Locale.ROOT);
        if (CogCode.checkBirthPlace(normalisedPlace, country).isPresent()) {
            throw invalid(CogCode.isCountry(country) ? "birthplace" : "birthcountry");
        }
        String email = string(claims, "email", false);
        if (email != null && !email.isEmpty() && !EmailAddress.isValid(email)) {
            throw invalid("email");
        }
        String usage = string(claims, "preferred_username", false);
        return new FederatedIdentity(sub, given, family, birthDate, gender, normalisedPlace, country,
                email == null || email.isEmpty() ? null : email, usage == null || usage.isBlank() ? null : usage);
    }

    private static String name(Map<String, Object> claims, String claim) {
        String value = string(claims, claim, true);
        if (value.isBlank() || value.length() > 256) {
            throw invalid(claim);
        }
        return value.strip();
    }

    private static @Nullable String string(Map<String, Object> claims, String claim, boolean required) {
        Object value = claims.get(claim);
        if (value == null) {
            if (required) {
                throw invalid(claim);
            }
            return null;
        }
        if (!(value instanceof String s)) {
            throw invalid(claim);
        }
        if (required && s.isEmpty()) {
            throw invalid(claim);
        }
        return s;
    }

    private static RuntimeException invalid(String claim) {
        return ProviderFailure.of(ProviderFailure.Reason.INVALID_PIVOT, claim);
    }

    /** No personal data: the subject, names and dates stay out of logs. */
    @Override
    public String toString() {
        return "FederatedIdentity[***]";
    }
}
