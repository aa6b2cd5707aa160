package fr.ameli.idp.platform;

import java.util.List;

/** Thrown at start-up by {@link SecretsGuard}: which secrets are missing or known, never their values. */
public final class InsecureSecretsException extends RuntimeException {

    private final List<String> problems;

    InsecureSecretsException(List<String> problems) {
        super("Refusing to start with missing or development secrets: " + String.join("; ", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
