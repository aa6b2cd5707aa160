package fr.ameli.idp.account;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A French (metropolitan numbering plan, +33) phone number, for the optional mobile and landline
 * contact fields (SPEC 3.2.6).
 *
 * <p>Accepted forms, with spaces, dots or hyphens anywhere between digits:
 * {@code 0612345678}, {@code 06 12 34 56 78}, {@code 06.12.34.56.78}, {@code 06-12-34-56-78},
 * {@code +33 6 12 34 56 78}, {@code +33612345678}, {@code 0033612345678}, and the written form
 * {@code +33 (0)6 12 34 56 78}. The number is the trunk prefix 0 followed by 9 digits, the first
 * of which is 1–9.
 *
 * <p>Kinds, after the ARCEP numbering plan: 06 and 07 are mobiles; 01–05 (geographic) and 09
 * (non-geographic, internet boxes) are landlines; 08 (special-rate services) is neither, so it
 * parses but fits neither contact field. Overseas numbers with their own country codes (+262,
 * +590…) are not accepted.
 */
public final class FrenchPhoneNumber {

    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\u00a0\\u202f.\\-]+");
    private static final Pattern INTERNATIONAL = Pattern.compile("(?:\\+33|0033)(?:\\(0\\))?([1-9][0-9]{8})");
    private static final Pattern NATIONAL = Pattern.compile("0([1-9][0-9]{8})");

    /** The 9 digits after the trunk prefix 0 or the country code 33. */
    private final String subscriber;

    private FrenchPhoneNumber(String subscriber) {
        this.subscriber = subscriber;
    }

    /**
     * Parses a French phone number of any kind.
     *
     * @throws InvalidPhoneNumberException with the reason of the refusal, never with the input
     */
    public static FrenchPhoneNumber parse(@Nullable String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidPhoneNumberException(InvalidPhoneNumberException.Reason.EMPTY);
        }
        String compact = SEPARATORS.matcher(raw).replaceAll("");
        Matcher international = INTERNATIONAL.matcher(compact);
        if (international.matches()) {
            return new FrenchPhoneNumber(international.group(1));
        }
        Matcher national = NATIONAL.matcher(compact);
        if (national.matches()) {
            return new FrenchPhoneNumber(national.group(1));
        }
        throw new InvalidPhoneNumberException(InvalidPhoneNumberException.Reason.FORMAT);
    }

    /**
     * Parses the mobile field: only 06 and 07 numbers.
     *
     * @throws InvalidPhoneNumberException {@code NOT_MOBILE} for another valid number
     */
    public static FrenchPhoneNumber parseMobile(@Nullable String raw) {
        FrenchPhoneNumber number = parse(raw);
        if (!number.isMobile()) {
            throw new InvalidPhoneNumberException(InvalidPhoneNumberException.Reason.NOT_MOBILE);
        }
        return number;
    }

    /**
     * Parses the landline field: only 01–05 and 09 numbers.
     *
     * @throws InvalidPhoneNumberException {@code NOT_LANDLINE} for another valid number
     */
    public static FrenchPhoneNumber parseLandline(@Nullable String raw) {
        FrenchPhoneNumber number = parse(raw);
        if (!number.isLandline()) {
            throw new InvalidPhoneNumberException(InvalidPhoneNumberException.Reason.NOT_LANDLINE);
        }
        return number;
    }

    /** The E.164 form, for SMS gateways: {@code +33612345678}. */
    public String e164() {
        return "+33" + subscriber;
    }

    /** The French display form, in pairs: {@code 06 12 34 56 78}. */
    public String national() {
        String digits = "0" + subscriber;
        return digits.substring(0, 2) + ' ' + digits.substring(2, 4) + ' ' + digits.substring(4, 6) + ' '
                + digits.substring(6, 8) + ' ' + digits.substring(8, 10);
    }

    /** 06 or 07. */
    public boolean isMobile() {
        char kind = subscriber.charAt(0);
        return kind == '6' || kind == '7';
    }

    /** 01–05 or 09. */
    public boolean isLandline() {
        char kind = subscriber.charAt(0);
        return (kind >= '1' && kind <= '5') || kind == '9';
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof FrenchPhoneNumber number && number.subscriber.equals(subscriber);
    }

    @Override
    public int hashCode() {
        return subscriber.hashCode();
    }

    /** Only the kind and the last 2 digits, e.g. {@code FrenchPhoneNumber[06 ** ** ** 78]}. */
    @Override
    public String toString() {
        return "FrenchPhoneNumber[0" + subscriber.charAt(0) + " ** ** ** " + subscriber.substring(7) + "]";
    }
}
