package fr.ameli.idp.account;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The contact fields as people type them, read the same way on every form that has them (account creation,
 * « Mes informations », a new address for a pending account): each wrong field puts its message key in
 * {@code errors} under the field's name, and the value read is returned ({@code null} when absent or wrong).
 */
public final class ContactForm {

    private ContactForm() {
    }

    /**
     * The address typed twice ({@code email}, {@code emailConfirmation}); the confirmation must be the same
     * address (compared canonically). Returns the address when it parses, even if the confirmation differs.
     */
    public static @Nullable EmailAddress email(@Nullable String typed, @Nullable String confirmation,
            Map<String, String> errors) {
        try {
            EmailAddress email = EmailAddress.parse(typed);
            if (!email.canonical().equals(canonical(confirmation))) {
                errors.put("emailConfirmation", "inscription.email.differents");
            }
            return email;
        } catch (InvalidEmailException e) {
            errors.put("email", e.reason() == InvalidEmailException.Reason.EMPTY ? "inscription.email.obligatoire"
                    : "inscription.email.invalide");
            return null;
        }
    }

    /** The optional mobile number ({@code mobile}). */
    public static @Nullable FrenchPhoneNumber mobile(@Nullable String raw, Map<String, String> errors) {
        return phone(raw, true, errors);
    }

    /** The optional landline number ({@code fixe}). */
    public static @Nullable FrenchPhoneNumber landline(@Nullable String raw, Map<String, String> errors) {
        return phone(raw, false, errors);
    }

    /** A consent radio button: {@code oui}, {@code non}, or {@code null} when neither was chosen. */
    public static @Nullable Boolean yesNo(@Nullable String raw) {
        return "oui".equals(raw) ? Boolean.TRUE : "non".equals(raw) ? Boolean.FALSE : null;
    }

    private static @Nullable FrenchPhoneNumber phone(@Nullable String raw, boolean mobile, Map<String, String> errors) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return mobile ? FrenchPhoneNumber.parseMobile(raw) : FrenchPhoneNumber.parseLandline(raw);
        } catch (InvalidPhoneNumberException e) {
            errors.put(mobile ? "mobile" : "fixe", mobile ? "inscription.mobile.invalide" : "inscription.fixe.invalide");
            return null;
        }
    }

    private static String canonical(@Nullable String raw) {
        try {
            return EmailAddress.parse(raw).canonical();
        } catch (InvalidEmailException e) {
            return "";
        }
    }
}
