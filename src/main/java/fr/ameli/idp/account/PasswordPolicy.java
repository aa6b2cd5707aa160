package fr.ameli.idp.account;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import fr.ameli.idp.registry.BirthDate;
import fr.ameli.idp.registry.Nir;

/**
 * The rules for the account password ("mot de passe", also "code personnel"), SPEC 3.2.5, the
 * same on every path that sets one (creation, provisional code, forgotten code, change).
 *
 * <p>A password must:
 * <ol>
 *   <li>have 8 to 50 characters (Unicode code points);</li>
 *   <li>contain at least one lower-case and one upper-case Latin letter without accent
 *       (a–z, A–Z);</li>
 *   <li>contain at least one digit (0–9) or one special character among
 *       {@code ? ! $ % @ & ( - + _ ) * / < > . , ; :};</li>
 *   <li>contain no other character (no space, no accented letter, no other symbol);</li>
 *   <li>not contain the NIR, the birth date, or a part of them, as defined below;</li>
 *   <li>be typed twice identically.</li>
 * </ol>
 *
 * <p><b>"A part of the NIR or of the birth date".</b> The password is first reduced to its
 * <em>skeleton</em>: every character that is not an ASCII letter or digit is removed (so
 * separators such as {@code /}, {@code -}, {@code .} or {@code _} cannot hide digits:
 * {@code 14/05} counts as {@code 1405}) and letters are upper-cased (for the Corsican
 * {@code 2A}/{@code 2B}). Then:
 * <ul>
 *   <li>the password contains <em>a part of the NIR</em> when the skeleton contains any
 *       {@value #PART_LENGTH} consecutive characters of the 15-character NIR (the 13 characters
 *       followed by the 2-digit key), which covers the whole NIR, with or without key;</li>
 *   <li>the password contains <em>a part of the birth date</em> when the skeleton contains the
 *       birth year {@code YYYY}, or, when day and month are known, the day and month as
 *       {@code DDMM} or {@code MMDD} (2 digits each, zero-padded). This covers every usual
 *       written form of the date: {@code DDMMYYYY}, {@code YYYYMMDD}, {@code DDMMYY},
 *       {@code MMDDYY}, {@code YYMMDD}, {@code DD/MM}. For a presumed date (unknown day, or day
 *       and month) only the year is checked.</li>
 * </ul>
 * Example for the demo person 1 (NIR 2 85 05 75 112 034 96, born 14 May 1985): {@code Abcd+5112}
 * and {@code Abcdef-2850x} are refused (NIR), {@code Abcd-1985}, {@code Abcd-14/05} and
 * {@code Abcd0514} are refused (birth date), {@code Ameli-Demo-2026} is accepted.
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 50;
    /** The special characters allowed, exactly as listed by the 2025 guide. */
    public static final String SPECIAL_CHARACTERS = "?!$%@&(-+_)*/<>.,;:";
    /** The length of a run of the NIR that counts as "a part" of it. */
    public static final int PART_LENGTH = 4;

    private PasswordPolicy() {
    }

    /**
     * Checks a password typed twice against every rule, for the person it will belong to.
     *
     * @param password the first entry; {@code null} counts as empty
     * @param confirmation the second entry; {@code null} counts as empty
     * @param nir the person's NIR
     * @param birthDate the person's birth date
     * @return the broken rules in the order of {@link PasswordViolation}; empty when valid
     */
    public static List<PasswordViolation> check(@Nullable String password, @Nullable String confirmation,
            Nir nir, BirthDate birthDate) {
        String first = password == null ? "" : password;
        String second = confirmation == null ? "" : confirmation;
        Set<PasswordViolation> violations = composition(first);
        String skeleton = skeleton(first);
        if (containsNirPart(skeleton, nir)) {
            violations.add(PasswordViolation.CONTAINS_NIR);
        }
        if (containsBirthDatePart(skeleton, birthDate)) {
            violations.add(PasswordViolation.CONTAINS_BIRTH_DATE);
        }
        if (!first.equals(second)) {
            violations.add(PasswordViolation.CONFIRMATION_MISMATCH);
        }
        return List.copyOf(violations);
    }

    /**
     * The indicative strength shown while the person types (SPEC 3.2.5). It does not know the
     * person, so the NIR and birth-date rules are left to {@link #check}. Scoring, with
     * <em>classes</em> = how many of lower case, upper case, digit and special character occur:
     * <ul>
     *   <li>{@link PasswordStrength#FAIBLE}: the password breaks a rule of length or characters
     *       (rules 1–4 of the class comment), or it has fewer than 10 characters, or fewer than
     *       12 with only 3 classes;</li>
     *   <li>{@link PasswordStrength#MOYEN}: 10 or 11 characters with all 4 classes, or 12 to 15
     *       characters with 3 classes;</li>
     *   <li>{@link PasswordStrength#ELEVE}: 12 characters or more with all 4 classes, or 16
     *       characters or more (a long passphrase) with 3 classes.</li>
     * </ul>
     * A valid password always has at least 3 classes (lower, upper, digit or special).
     */
    public static PasswordStrength strength(@Nullable String password) {
        if (password == null || !composition(password).isEmpty()) {
            return PasswordStrength.FAIBLE;
        }
        int length = password.codePointCount(0, password.length());
        boolean allClasses = password.chars().anyMatch(PasswordPolicy::isDigit)
                && password.chars().anyMatch(PasswordPolicy::isSpecial);
        if (length >= 16 || (length >= 12 && allClasses)) {
            return PasswordStrength.ELEVE;
        }
        if (length >= 12 || (length >= 10 && allClasses)) {
            return PasswordStrength.MOYEN;
        }
        return PasswordStrength.FAIBLE;
    }

    /** Rules 1–4: what can be checked without knowing the person. */
    private static Set<PasswordViolation> composition(String password) {
        Set<PasswordViolation> violations = EnumSet.noneOf(PasswordViolation.class);
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            violations.add(PasswordViolation.TOO_SHORT);
        }
        if (length > MAX_LENGTH) {
            violations.add(PasswordViolation.TOO_LONG);
        }
        if (!password.codePoints().allMatch(c -> isLower(c) || isUpper(c) || isDigit(c) || isSpecial(c))) {
            violations.add(PasswordViolation.FORBIDDEN_CHARACTER);
        }
        if (password.codePoints().noneMatch(PasswordPolicy::isLower)) {
            violations.add(PasswordViolation.MISSING_LOWERCASE);
        }
        if (password.codePoints().noneMatch(PasswordPolicy::isUpper)) {
            violations.add(PasswordViolation.MISSING_UPPERCASE);
        }
        if (password.codePoints().noneMatch(c -> isDigit(c) || isSpecial(c))) {
            violations.add(PasswordViolation.MISSING_DIGIT_OR_SPECIAL);
        }
        return violations;
    }

    /** ASCII letters and digits only, upper-cased: separators cannot hide a NIR or a date. */
    private static String skeleton(String password) {
        StringBuilder out = new StringBuilder(password.length());
        password.codePoints()
                .filter(c -> isLower(c) || isUpper(c) || isDigit(c))
                .forEach(out::appendCodePoint);
        return out.toString().toUpperCase(Locale.ROOT);
    }

    private static boolean containsNirPart(String skeleton, Nir nir) {
        String full = nir.withKey();
        for (int start = 0; start + PART_LENGTH <= full.length(); start++) {
            if (skeleton.contains(full.substring(start, start + PART_LENGTH))) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsBirthDatePart(String skeleton, BirthDate birthDate) {
        String year = String.format(Locale.ROOT, "%04d", birthDate.year());
        if (skeleton.contains(year)) {
            return true;
        }
        if (birthDate.presumed()) {
            return false;
        }
        String day = String.format(Locale.ROOT, "%02d", birthDate.day());
        String month = String.format(Locale.ROOT, "%02d", birthDate.month());
        return skeleton.contains(day + month) || skeleton.contains(month + day);
    }

    private static boolean isLower(int c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isUpper(int c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpecial(int c) {
        return SPECIAL_CHARACTERS.indexOf(c) >= 0;
    }
}
