package fr.ameli.idp.enrollment;

/**
 * Why an attempt cannot go on. Each has its own French explanation ({@code inscription.echec.<code>} in
 * messages.properties) and a stable code for the app API (RFC 9457 problem {@code code} member).
 */
public enum EnrollmentFailure {
    /** SPEC 3.2.2: one account per person. */
    ACCOUNT_EXISTS("account_exists"),
    /** Neither the régime général nor a partner scheme. */
    SCHEME_NOT_ELIGIBLE("scheme_not_eligible"),
    /** Provisional (7/8) or not certified NIR. */
    NIR_NOT_CERTIFIED("nir_not_certified"),
    NO_BANK_DETAILS("no_bank_details"),
    SEVERAL_IBANS("several_ibans"),
    NO_ACTIVE_CARTE_VITALE("no_active_carte_vitale"),
    /** « Je ne dispose pas du numéro de série ». */
    NO_SERIAL_NUMBER("no_serial_number"),
    /** Too many wrong answers to the IBAN / carte Vitale check, or to the identity form. */
    LOCKED("locked"),
    /** The person refused the CGU. */
    CANCELLED("cancelled"),
    /** Federated path: no person, or several, match the identity the provider vouched for. */
    NO_MATCH("no_match");

    private final String code;

    EnrollmentFailure(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
