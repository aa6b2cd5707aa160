package fr.ameli.idp.registry;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A French social security number (NIR, "numéro de sécurité sociale"), SPEC 3.1.
 *
 * <p>The value is the 13 characters that identify the person (login uses them): sex or
 * category (1 digit), birth year (2), birth month (2), birth department (2, {@code 2A} or
 * {@code 2B} for Corsica), commune (3) and order number (3). The 2-digit key is not stored, it is
 * computed: {@code key = 97 − (number mod 97)}, where the Corsican departments {@code 2A} and
 * {@code 2B} are replaced by {@code 19} and {@code 18} to form the number.
 *
 * <p>{@link #parse} accepts what people type: with or without the key, with spaces anywhere
 * (any Unicode white space, so a copied "2 85 05…" with non-breaking spaces works), and
 * {@code 2a}/{@code 2b} in lower case. It refuses dots, hyphens and every other separator. The
 * first character must be 1, 2 (born in France or abroad), 3, 4 (older foreign-born
 * registrations) or 7, 8 (provisional numbers, see {@link #provisional()}).
 *
 * <p>A NIR is personal data: {@link #toString()} never shows it and the exceptions carry only a
 * reason. Call {@link #value()} or {@link #formatted()} explicitly where the digits are needed.
 */
public final class Nir {

    private static final int LENGTH = 13;
    private static final int LENGTH_WITH_KEY = 15;
    /** 0-based index of the department's first character (positions 6–7 in 1-based terms). */
    private static final int DEPARTMENT = 5;

    private final String value;

    private Nir(String value) {
        this.value = value;
    }

    /**
     * Parses a NIR as typed.
     *
     * @param raw 13 or 15 characters once white space is removed; {@code null} counts as empty
     * @return the NIR (13 characters, upper case)
     * @throws InvalidNirException with the reason of the refusal, never with the input
     */
    public static Nir parse(@Nullable String raw) {
        if (raw == null) {
            throw new InvalidNirException(InvalidNirException.Reason.EMPTY);
        }
        StringBuilder compact = new StringBuilder(LENGTH_WITH_KEY);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (isSpace(c)) {
                continue;
            }
            char upper = c == 'a' || c == 'b' ? (char) (c - 'a' + 'A') : c;
            if (!(isAsciiDigit(upper) || upper == 'A' || upper == 'B')) {
                throw new InvalidNirException(InvalidNirException.Reason.CHARACTERS);
            }
            compact.append(upper);
        }
        if (compact.length() == 0) {
            throw new InvalidNirException(InvalidNirException.Reason.EMPTY);
        }
        if (compact.length() != LENGTH && compact.length() != LENGTH_WITH_KEY) {
            throw new InvalidNirException(InvalidNirException.Reason.LENGTH);
        }
        String body = compact.substring(0, LENGTH);
        if (!wellFormed(body)) {
            throw new InvalidNirException(InvalidNirException.Reason.CHARACTERS);
        }
        if (compact.length() == LENGTH_WITH_KEY) {
            String typedKey = compact.substring(LENGTH);
            if (!isAsciiDigit(typedKey.charAt(0)) || !isAsciiDigit(typedKey.charAt(1))) {
                throw new InvalidNirException(InvalidNirException.Reason.CHARACTERS);
            }
            if (Integer.parseInt(typedKey) != computeKey(body)) {
                throw new InvalidNirException(InvalidNirException.Reason.KEY_MISMATCH);
            }
        }
        return new Nir(body);
    }

    /** Whether {@link #parse} would accept {@code raw}. */
    public static boolean isValid(@Nullable String raw) {
        try {
            parse(raw);
            return true;
        }
        catch (InvalidNirException ex) {
            return false;
        }
    }

    /** The 13 characters, upper case, no spaces, no key: what login and the registry use. */
    public String value() {
        return value;
    }

    /** The 2-digit key, {@code "01"} to {@code "97"}. */
    public String key() {
        return String.format(Locale.ROOT, "%02d", computeKey(value));
    }

    /** The 15 characters: {@link #value()} followed by {@link #key()}. */
    public String withKey() {
        return value + key();
    }

    /**
     * A NIR starting with 7 or 8 is provisional (SPEC 3.1): such a person is excluded from
     * immediate account creation (SPEC 3.2.2).
     */
    public boolean provisional() {
        char first = value.charAt(0);
        return first == '7' || first == '8';
    }

    /** The NIR with its key, spaced as on the carte Vitale: {@code 2 85 05 75 112 034 96}. */
    public String formatted() {
        return value.substring(0, 1) + ' ' + value.substring(1, 3) + ' ' + value.substring(3, 5)
                + ' ' + value.substring(5, 7) + ' ' + value.substring(7, 10) + ' '
                + value.substring(10, 13) + ' ' + key();
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof Nir nir && nir.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** Never the digits: a NIR must not reach logs or error messages. */
    @Override
    public String toString() {
        return "Nir[***]";
    }

    /**
     * 13 characters: digits, except that the department (positions 6–7) may be {@code 2A} or
     * {@code 2B}; the first digit is 1–4, 7 or 8.
     */
    private static boolean wellFormed(String body) {
        char first = body.charAt(0);
        if (!(first >= '1' && first <= '4') && first != '7' && first != '8') {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = body.charAt(i);
            boolean corsica = i == DEPARTMENT + 1 && (c == 'A' || c == 'B')
                    && body.charAt(DEPARTMENT) == '2';
            if (!isAsciiDigit(c) && !corsica) {
                return false;
            }
        }
        return true;
    }

    private static int computeKey(String body) {
        String department = body.substring(DEPARTMENT, DEPARTMENT + 2);
        String number = switch (department) {
            case "2A" -> body.substring(0, DEPARTMENT) + "19" + body.substring(DEPARTMENT + 2);
            case "2B" -> body.substring(0, DEPARTMENT) + "18" + body.substring(DEPARTMENT + 2);
            default -> body;
        };
        return 97 - (int) (Long.parseLong(number) % 97);
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
