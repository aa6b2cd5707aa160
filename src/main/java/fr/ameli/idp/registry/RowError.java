package fr.ameli.idp.registry;

/** A rejected line of a registry file: its number (1 = header) and why, without the personal data it held. */
public record RowError(int line, String reason) {
    @Override
    public String toString() {
        return "line " + line + ": " + reason;
    }
}
