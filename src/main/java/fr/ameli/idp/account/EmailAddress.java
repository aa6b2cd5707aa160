package fr.ameli.idp.account;

import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The account's email address (SPEC 3.2.6: mandatory, typed twice, unique across all accounts;
 * SPEC 3.5: shown masked on the forgotten-code page).
 *
 * <p>Pragmatic validation, not the whole of RFC 5322: surrounding white space is ignored; then
 * exactly one {@code @}, no white space; a local part of 1 to 64 characters among ASCII letters,
 * digits and {@code . ! # $ % & ' * + / = ? ^ _ ` { | } ~ -}, not starting or ending with a dot
 * and without two dots in a row (no quoted local parts); a domain of at least two labels separated
 * by dots, each label 1 to 63 ASCII letters, digits or hyphens, not starting or ending with a
 * hyphen, the last label not all digits (no IP addresses); 254 characters at most in all.
 * Internationalised addresses are refused (their domains can be typed in their {@code xn--}
 * form); a mail server may not accept them on the way out.
 *
 * <p>Three forms: {@link #normalized()} keeps the local part as typed and lower-cases the domain
 * (domains are case-insensitive): it is the address mail is sent to. {@link #canonical()}
 * lower-cases everything: uniqueness across accounts compares canonical forms, and so does
 * {@link #equals}. No provider-specific folding (dots or {@code +tags} of some webmails) is done:
 * these are distinct addresses for the mail system. {@link #masked()} is the display of the
 * forgotten-code page.
 */
public final class EmailAddress {

    private static final int MAX_LENGTH = 254;
    private static final int MAX_LOCAL_LENGTH = 64;
    private static final int MAX_DOMAIN_LENGTH = 253;
    private static final Pattern LOCAL_PART = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private final String localPart;
    /** Lower case. */
    private final String domain;

    private EmailAddress(String localPart, String domain) {
        this.localPart = localPart;
        this.domain = domain;
    }

    /**
     * Parses an email address as typed.
     *
     * @throws InvalidEmailException with the reason of the refusal, never with the input
     */
    public static EmailAddress parse(@Nullable String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidEmailException(InvalidEmailException.Reason.EMPTY);
        }
        String address = raw.strip();
        if (address.length() > MAX_LENGTH) {
            throw new InvalidEmailException(InvalidEmailException.Reason.TOO_LONG);
        }
        int at = address.indexOf('@');
        if (at < 0 || at != address.lastIndexOf('@')
                || address.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            throw new InvalidEmailException(InvalidEmailException.Reason.FORMAT);
        }
        String localPart = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (localPart.length() > MAX_LOCAL_LENGTH || !LOCAL_PART.matcher(localPart).matches()) {
            throw new InvalidEmailException(InvalidEmailException.Reason.LOCAL_PART);
        }
        if (!isDomain(domain)) {
            throw new InvalidEmailException(InvalidEmailException.Reason.DOMAIN);
        }
        return new EmailAddress(localPart, domain.toLowerCase(Locale.ROOT));
    }

    /** Whether {@link #parse} would accept {@code raw}. */
    public static boolean isValid(@Nullable String raw) {
        try {
            parse(raw);
            return true;
        }
        catch (InvalidEmailException ex) {
            return false;
        }
    }

    /** The address mail is sent to: local part as typed, domain in lower case. */
    public String normalized() {
        return localPart + '@' + domain;
    }

    /** The address in lower case, for uniqueness across accounts. */
    public String canonical() {
        return normalized().toLowerCase(Locale.ROOT);
    }

    /** The domain, lower case. */
    public String domain() {
        return domain;
    }

    /**
     * The address as shown after a forgotten-code request (SPEC 3.5): the first character of the
     * local part, four stars whatever its length, then the domain: {@code r****@hotmail.com}.
     */
    public String masked() {
        return localPart.charAt(0) + "****@" + domain;
    }

    /** Same {@link #canonical()} form. */
    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof EmailAddress email && email.canonical().equals(canonical());
    }

    @Override
    public int hashCode() {
        return canonical().hashCode();
    }

    /** The {@link #masked()} form: an address must not reach logs in full. */
    @Override
    public String toString() {
        return "EmailAddress[" + masked() + "]";
    }

    private static boolean isDomain(String domain) {
        if (domain.length() > MAX_DOMAIN_LENGTH) {
            return false;
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !DIGITS.matcher(labels[labels.length - 1]).matches();
    }
}
