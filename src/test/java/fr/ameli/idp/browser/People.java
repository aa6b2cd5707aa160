package fr.ameli.idp.browser;

/**
 * The browser tests' own people (not DEMO-DATA's, whose state other tests rely on): NIRs {@code 1 77 03 44 109 0xx},
 * born 01/03/1977 in Nantes (44109), living in 44000, régime général, an active carte Vitale whose serial ends with
 * {@link #serialEnd}, and one IBAN ending with {@code 3024474}.
 */
final class People {

    static final String HEADER = "nir;birth_name;usage_name;given_names;gender;birth_date;birthplace;birthcountry;"
            + "postal_code;former_postal_codes;scheme;nir_certified;carte_vitale_serial;carte_vitale_active;ibans;email;"
            + "account_elsewhere\n";
    static final String BIRTH_DATE = "01/03/1977";
    static final String POSTAL_CODE = "44000";
    static final String IBAN_END = "3024474";

    private People() {
    }

    /** The registry line of an eligible person (carte Vitale + IBAN path), without an account. */
    static String eligible(String nir13, String name) {
        return nir13 + ";" + name + ";;Camille;female;1977-03-01;44109;99100;" + POSTAL_CODE + ";;REGIME_GENERAL;true;"
                + serial(nir13) + ";true;FR76 2004 1010 0503 4780 3024 474;;false\n";
    }

    /** The last 11 digits of the person's carte Vitale serial number. */
    static String serialEnd(String nir13) {
        return serial(nir13).substring(11);
    }

    private static String serial(String nir13) {
        return "80250077" + nir13.substring(0, 10) + "0077";
    }
}
