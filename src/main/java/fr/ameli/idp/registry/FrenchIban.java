package fr.ameli.idp.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.jspecify.annotations.Nullable;

/**
 * A French IBAN as kept in the registry's bank details (SPEC 3.1) and used as a proof of
 * identity on immediate account creation (SPEC 3.2.3).
 *
 * <p>27 characters: {@code FR}, 2 ISO 13616 check digits, then the 23-character French BBAN
 * (the RIB): bank code (5 digits), branch code (5 digits), account number (11 letters or
 * digits) and RIB key (2 digits). {@link #parse} checks both keys:
 * <ul>
 *   <li>ISO 13616: the IBAN with its first 4 characters moved to the end, letters replaced by
 *       10–35, is 1 mod 97;</li>
 *   <li>RIB: {@code key = 97 − ((89 × bank + 15 × branch + 3 × account) mod 97)}, where the
 *       account number's letters count as digits: A, J → 1; B, K, S → 2; C, L, T → 3;
 *       D, M, U → 4; E, N, V → 5; F, O, W → 6; G, P, X → 7; H, Q, Y → 8; I, R, Z → 9.</li>
 * </ul>
 * Spaces (any white space) and lower case are accepted in the input.
 *
 * <p><b>Display and challenge.</b> The enrollment page shows the IBAN partly masked and the
 * person types its last 7 characters (SPEC 3.2.3). {@link #masked()} therefore reveals only the
 * first 9 characters (country, check digits and bank code, enough for the person to recognise
 * which bank account is meant) and masks the other 18: it never reveals any of the last 7, which
 * are the answer to the challenge, nor any of the account number. {@link #endsWith} checks the
 * answer in constant time. {@link #toString()} is the masked form.
 */
public final class FrenchIban {

    private static final int LENGTH = 27;
    private static final int SHOWN = 9;
    private static final int CHALLENGE = 7;

    private final String value;

    private FrenchIban(String value) {
        this.value = value;
    }

    /**
     * Parses an IBAN as typed or as loaded from the registry.
     *
     * @param raw the IBAN, with or without spaces, any case; {@code null} counts as empty
     * @throws InvalidIbanException with the reason of the refusal, never with the input
     */
    public static FrenchIban parse(@Nullable String raw) {
        if (raw == null) {
            throw new InvalidIbanException(InvalidIbanException.Reason.EMPTY);
        }
        String compact = compact(raw);
        if (compact.isEmpty()) {
            throw new InvalidIbanException(InvalidIbanException.Reason.EMPTY);
        }
        for (int i = 0; i < compact.length(); i++) {
            if (!isAsciiUpper(compact.charAt(i)) && !isAsciiDigit(compact.charAt(i))) {
                throw new InvalidIbanException(InvalidIbanException.Reason.CHARACTERS);
            }
        }
        if (compact.length() >= 2 && !compact.startsWith("FR")) {
            throw new InvalidIbanException(InvalidIbanException.Reason.COUNTRY);
        }
        if (compact.length() != LENGTH) {
            throw new InvalidIbanException(InvalidIbanException.Reason.LENGTH);
        }
        // check digits 2-3, bank 4-8, branch 9-13, account 14-24 (letters allowed), key 25-26
        for (int i = 2; i < LENGTH; i++) {
            boolean accountNumber = i >= 14 && i <= 24;
            if (!isAsciiDigit(compact.charAt(i)) && !accountNumber) {
                throw new InvalidIbanException(InvalidIbanException.Reason.CHARACTERS);
            }
        }
        if (iso13616Remainder(compact) != 1) {
            throw new InvalidIbanException(InvalidIbanException.Reason.CHECKSUM);
        }
        if (!ribKeyMatches(compact.substring(4))) {
            throw new InvalidIbanException(InvalidIbanException.Reason.RIB_KEY);
        }
        return new FrenchIban(compact);
    }

    /** Whether {@link #parse} would accept {@code raw}. */
    public static boolean isValid(@Nullable String raw) {
        try {
            parse(raw);
            return true;
        }
        catch (InvalidIbanException ex) {
            return false;
        }
    }

    /** The 27 characters, upper case, without spaces. */
    public String value() {
        return value;
    }

    /**
     * The last {@code n} characters.
     *
     * @param n 1 to 27
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public String lastCharacters(int n) {
        if (n < 1 || n > LENGTH) {
            throw new IllegalArgumentException("n must be between 1 and " + LENGTH + ": " + n);
        }
        return value.substring(LENGTH - n);
    }

    /**
     * The IBAN as shown on the enrollment page, in groups of 4: the first 9 characters, then
     * stars; e.g. {@code FR76 2004 1*** **** **** **** ***}. See the class comment for why.
     */
    public String masked() {
        StringBuilder out = new StringBuilder(LENGTH + 6);
        for (int i = 0; i < LENGTH; i++) {
            if (i > 0 && i % 4 == 0) {
                out.append(' ');
            }
            out.append(i < SHOWN ? value.charAt(i) : '*');
        }
        return out.toString();
    }

    /**
     * Whether the person typed the last 7 characters of this IBAN (SPEC 3.2.3). White space is
     * ignored and letters compare case-insensitively. The comparison takes the same time
     * whichever characters differ, so that timing does not reveal a partial match.
     *
     * @param typedLast7 what the person typed; {@code null} never matches
     */
    public boolean endsWith(@Nullable String typedLast7) {
        if (typedLast7 == null) {
            return false;
        }
        byte[] typed = compact(typedLast7).getBytes(StandardCharsets.UTF_8);
        byte[] expected = lastCharacters(CHALLENGE).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(typed, expected);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof FrenchIban iban && iban.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** The {@link #masked()} form: bank details must not reach logs in full. */
    @Override
    public String toString() {
        return "FrenchIban[" + masked() + "]";
    }

    private static String compact(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                // ASCII only: toUpperCase would turn e.g. a dotless i into a valid I
                out.append(c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
            }
        }
        return out.toString();
    }

    /** ISO 13616 / ISO 7064 MOD 97-10, computed digit by digit to stay within an int. */
    private static int iso13616Remainder(String iban) {
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        int remainder = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            if (isAsciiDigit(c)) {
                remainder = (remainder * 10 + (c - '0')) % 97;
            }
            else {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
        }
        return remainder;
    }

    private static boolean ribKeyMatches(String bban) {
        long bank = Long.parseLong(bban.substring(0, 5));
        long branch = Long.parseLong(bban.substring(5, 10));
        StringBuilder account = new StringBuilder(11);
        for (int i = 10; i < 21; i++) {
            account.append(ribDigit(bban.charAt(i)));
        }
        int key = Integer.parseInt(bban.substring(21, 23));
        long sum = 89 * bank + 15 * branch + 3 * Long.parseLong(account.toString());
        return key == 97 - (int) (sum % 97);
    }

    /** The RIB's letter-to-digit table: A–I → 1–9, J–R → 1–9, S–Z → 2–9. */
    private static char ribDigit(char c) {
        if (isAsciiDigit(c)) {
            return c;
        }
        int index = c - 'A';
        int digit = c <= 'I' ? index + 1 : c <= 'R' ? index - 8 : index - 16;
        return (char) ('0' + digit);
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }
}
