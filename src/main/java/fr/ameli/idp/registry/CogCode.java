package fr.ameli.idp.registry;

import java.util.Optional;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * INSEE COG codes ("Code officiel géographique") as used for the birth place and birth country
 * of the registry (SPEC 3.1) and of the FranceConnect identity pivot (FRANCECONNECT.md A).
 *
 * <p>A commune code is 5 characters: the department ({@code 01}–{@code 98}, or {@code 2A} and
 * {@code 2B} for Corsica) followed by 3 digits. Countries and territories abroad are coded
 * {@code 99xxx}; France itself is {@link #FRANCE}. FranceConnect validates the birth country
 * against the loose commune pattern; this class is stricter and requires a {@code 99xxx} code
 * for a country, since a commune is never a birth country.
 *
 * <p>The pair rule of the pivot: when the birth country is France the birth place is required
 * and must be a commune code; when the birth country is another country, the birth place must
 * be absent ({@code null} or the empty string, as FranceConnect sends it).
 */
public final class CogCode {

    /** The birth-country code of France. */
    public static final String FRANCE = "99100";

    private static final Pattern COG = Pattern.compile("(2[AB]|[0-9]{2})[0-9]{3}");
    private static final Pattern COUNTRY = Pattern.compile("99[0-9]{3}");

    /** Why a birth place/birth country pair is refused. */
    public enum BirthPlaceProblem {
        /** The birth country is missing or not a {@code 99xxx} code. */
        INVALID_COUNTRY,
        /** Born in France but no birth place given. */
        MISSING_BIRTHPLACE,
        /** Born in France but the birth place is not a commune code. */
        INVALID_BIRTHPLACE,
        /** Born abroad but a birth place is given. */
        UNEXPECTED_BIRTHPLACE
    }

    private CogCode() {
    }

    /**
     * Whether {@code code} is a commune code: {@code ^(2[AB]|[0-9]{2})[0-9]{3}$}, upper case,
     * outside the {@code 99xxx} range of countries.
     */
    public static boolean isCommune(@Nullable String code) {
        return code != null && COG.matcher(code).matches() && !code.startsWith("99");
    }

    /** Whether {@code code} is a country code: {@code ^99[0-9]{3}$} (France is 99100). */
    public static boolean isCountry(@Nullable String code) {
        return code != null && COUNTRY.matcher(code).matches();
    }

    /**
     * Checks a birth place/birth country pair against the rule in the class comment.
     *
     * @param birthplace the commune code, {@code null} or empty when born abroad
     * @param birthcountry the country code
     * @return the problem, or empty when the pair is valid
     */
    public static Optional<BirthPlaceProblem> checkBirthPlace(@Nullable String birthplace,
            @Nullable String birthcountry) {
        if (!isCountry(birthcountry)) {
            return Optional.of(BirthPlaceProblem.INVALID_COUNTRY);
        }
        boolean absent = birthplace == null || birthplace.isEmpty();
        if (FRANCE.equals(birthcountry)) {
            if (absent) {
                return Optional.of(BirthPlaceProblem.MISSING_BIRTHPLACE);
            }
            return isCommune(birthplace) ? Optional.empty() : Optional.of(BirthPlaceProblem.INVALID_BIRTHPLACE);
        }
        return absent ? Optional.empty() : Optional.of(BirthPlaceProblem.UNEXPECTED_BIRTHPLACE);
    }

    /** Whether {@link #checkBirthPlace} finds no problem. */
    public static boolean isValidBirthPlace(@Nullable String birthplace, @Nullable String birthcountry) {
        return checkBirthPlace(birthplace, birthcountry).isEmpty();
    }
}
