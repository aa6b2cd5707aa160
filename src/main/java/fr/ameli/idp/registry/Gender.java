package fr.ameli.idp.registry;

/** Gender as the registry and the OpenID Connect {@code gender} claim spell it. */
public enum Gender {
    MALE("male"), FEMALE("female");

    private final String claim;

    Gender(String claim) {
        this.claim = claim;
    }

    public String claim() {
        return claim;
    }

    public static Gender fromClaim(String value) {
        for (Gender g : values()) {
            if (g.claim.equals(value)) {
                return g;
            }
        }
        throw new IllegalArgumentException("gender must be male or female");
    }
}
