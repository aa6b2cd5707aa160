package fr.ameli.idp.enrollment;

/**
 * The steps of account creation, in the order of the 2025 guide (seed 004). PROOF is the carte Vitale
 * serial + IBAN check (or, on the federated path, the identity the provider vouched for). FAILED ends an
 * attempt that cannot go on (not eligible, cancelled, locked).
 */
public enum EnrollmentStep {
    IDENTITY("identite"),
    PROOF("verification"),
    CGU("cgu"),
    PASSWORD("mot-de-passe"),
    CONTACT("coordonnees"),
    EMAIL_CONFIRMATION("confirmation-email"),
    FAILED("echec");

    private final String slug;

    EnrollmentStep(String slug) {
        this.slug = slug;
    }

    /** The URL segment of the step ({@code /inscription/mot-de-passe}, {@code /api/v1/enrollments/{id}/mot-de-passe}). */
    public String slug() {
        return slug;
    }

    public static EnrollmentStep fromSlug(String slug) {
        for (EnrollmentStep s : values()) {
            if (s.slug.equals(slug)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown step");
    }
}
