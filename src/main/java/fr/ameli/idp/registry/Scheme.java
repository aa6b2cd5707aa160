package fr.ameli.idp.registry;

/**
 * The health-insurance scheme a person belongs to. Online creation is open to the régime général and
 * to the partner schemes listed by the 2025 guide (seed 004, « cas d'exclusion »); any other scheme
 * (MSA, for instance) is recorded as it is and excluded.
 */
public enum Scheme {
    REGIME_GENERAL, CAMIEG, CANSSM, CAVIMAC, CNMSS, CRPCEN, ENIM, MGP,
    MSA, OTHER;

    public boolean allowsOnlineCreation() {
        return this != MSA && this != OTHER;
    }

    /** Codes outside this list are stored as {@link #OTHER}: they are excluded all the same. */
    public static Scheme fromCode(String code) {
        for (Scheme s : values()) {
            if (s.name().equalsIgnoreCase(code)) {
                return s;
            }
        }
        return OTHER;
    }
}
