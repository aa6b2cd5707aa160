package fr.ameli.idp.registry;

import java.util.List;

/** Outcome of a registry import: counts when it was applied, or the rejected rows when nothing was. */
public record ImportReport(int rows, int inserted, int updated, int unchanged, List<RowError> errors) {

    public ImportReport {
        errors = List.copyOf(errors);
    }

    static ImportReport rejected(List<RowError> errors) {
        return new ImportReport(0, 0, 0, 0, errors);
    }

    public boolean applied() {
        return errors.isEmpty();
    }
}
