package fr.ameli.idp.registry;

import java.time.LocalDate;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BirthDateTests {

    private static final LocalDate TODAY = LocalDate.of(2026, 3, 15);

    @ParameterizedTest
    @CsvSource({
            // iso,        year, month, day, presumed
            "1985-05-14,   1985, 5,  14, false",   // DEMO-DATA birth dates
            "1962-12-18,   1962, 12, 18, false",
            "1979-06-21,   1979, 6,  21, false",
            "1992-01-09,   1992, 1,  9,  false",
            "1999-10-03,   1999, 10, 3,  false",
            "1955-05-02,   1955, 5,  2,  false",
            "1971-08-30,   1971, 8,  30, false",
            "1988-11-25,   1988, 11, 25, false",
            "2000-02-11,   2000, 2,  11, false",
            "2000-02-29,   2000, 2,  29, false",   // leap year (divisible by 400)
            "2024-02-29,   2024, 2,  29, false",
            "1985-05-00,   1985, 5,  0,  true",    // presumed day
            "1985-00-00,   1985, 0,  0,  true",    // presumed day and month
            "1850-01-01,   1850, 1,  1,  false",   // earliest year
            "2026-03-15,   2026, 3,  15, false",   // today
            "2026-03-00,   2026, 3,  0,  true",    // this month, presumed
            "2026-00-00,   2026, 0,  0,  true",    // this year, presumed
    })
    void parseIsoWhenValidThenParts(String iso, int year, int month, int day, boolean presumed) {
        BirthDate date = BirthDate.parseIso(iso, TODAY);

        assertThat(date.year()).isEqualTo(year);
        assertThat(date.month()).isEqualTo(month);
        assertThat(date.day()).isEqualTo(day);
        assertThat(date.presumed()).isEqualTo(presumed);
        assertThat(date.iso()).isEqualTo(iso);
    }

    @ParameterizedTest
    @CsvSource({
            "INVALID_DATE, 1985-13-01",
            "INVALID_DATE, 1985-00-14",    // day without month
            "INVALID_DATE, 2023-02-30",
            "INVALID_DATE, 2023-02-29",    // not a leap year
            "INVALID_DATE, 1900-02-29",    // divisible by 100, not by 400
            "INVALID_DATE, 1985-04-31",
            "INVALID_DATE, 1985-05-32",
            "INVALID_DATE, 1985-99-99",
            "TOO_OLD,      1849-12-31",
            "TOO_OLD,      0985-05-14",
            "TOO_OLD,      0000-00-00",
            "FUTURE,       2026-03-16",
            "FUTURE,       2026-04-00",
            "FUTURE,       2027-00-00",
            "FUTURE,       9999-12-31",
            "FORMAT,       14/05/1985",
            "FORMAT,       1985-5-14",
            "FORMAT,       1985-05-4",
            "FORMAT,       85-05-14",
            "FORMAT,       19850514",
            "FORMAT,       1985/05/14",
            "FORMAT,       ' 1985-05-14'",
            "FORMAT,       '1985-05-14 '",
            "FORMAT,       1985-05-14T00:00",
            "FORMAT,       １９８５-05-14",
            "EMPTY,        ' '",
    })
    void parseIsoWhenInvalidThenReason(InvalidBirthDateException.Reason reason, String raw) {
        assertThatThrownBy(() -> BirthDate.parseIso(raw, TODAY))
                .isInstanceOfSatisfying(InvalidBirthDateException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(reason))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(ex -> assertThat(ex.getMessage()).doesNotContainPattern("[0-9]"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void parseWhenNothingThenEmpty(String raw) {
        assertThatThrownBy(() -> BirthDate.parseIso(raw, TODAY))
                .isInstanceOfSatisfying(InvalidBirthDateException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(InvalidBirthDateException.Reason.EMPTY));
        assertThatThrownBy(() -> BirthDate.parseFrench(raw, TODAY))
                .isInstanceOfSatisfying(InvalidBirthDateException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(InvalidBirthDateException.Reason.EMPTY));
    }

    @ParameterizedTest
    @CsvSource({
            "14/05/1985,     1985-05-14",
            "4/5/1985,       1985-05-04",
            "04/5/1985,      1985-05-04",
            "4/05/1985,      1985-05-04",
            "' 14/05/1985 ', 1985-05-14",
            "00/05/1985,     1985-05-00",
            "0/5/1985,       1985-05-00",
            "00/00/1985,     1985-00-00",
            "29/02/2024,     2024-02-29",
            "15/03/2026,     2026-03-15",
    })
    void parseFrenchWhenValidThenSameAsIso(String typed, String iso) {
        assertThat(BirthDate.parseFrench(typed, TODAY)).isEqualTo(BirthDate.parseIso(iso, TODAY));
        assertThat(BirthDate.parseFrench(typed, TODAY).iso()).isEqualTo(iso);
    }

    @ParameterizedTest
    @CsvSource({
            "31/02/1985, INVALID_DATE",
            "14/13/1985, INVALID_DATE",
            "14/00/1985, INVALID_DATE",
            "29/02/2023, INVALID_DATE",
            "16/03/2026, FUTURE",
            "01/01/1800, TOO_OLD",
            "1985-05-14, FORMAT",
            "14-05-1985, FORMAT",
            "14.05.1985, FORMAT",
            "14/05/85,   FORMAT",
            "140/5/1985, FORMAT",
            "14/05/1985/, FORMAT",
            "14 / 05 / 1985, FORMAT",
            "'  ',       EMPTY",
    })
    void parseFrenchWhenInvalidThenReason(String raw, InvalidBirthDateException.Reason reason) {
        assertThatThrownBy(() -> BirthDate.parseFrench(raw, TODAY))
                .isInstanceOfSatisfying(InvalidBirthDateException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(reason));
    }

    @ParameterizedTest
    @CsvSource({
            "1985-05-14, 14/05/1985",
            "1985-05-00, 00/05/1985",
            "1985-00-00, 00/00/1985",
    })
    void frenchWhenParsedThenDayMonthYear(String iso, String french) {
        assertThat(BirthDate.parseIso(iso, TODAY).french()).isEqualTo(french);
    }

    @Test
    void toLocalDateWhenExactThenPresentElseEmpty() {
        assertThat(BirthDate.parseIso("1985-05-14", TODAY).toLocalDate()).contains(LocalDate.of(1985, 5, 14));
        assertThat(BirthDate.parseIso("1985-05-00", TODAY).toLocalDate()).isEmpty();
        assertThat(BirthDate.parseIso("1985-00-00", TODAY).toLocalDate()).isEqualTo(Optional.empty());
    }

    @Test
    void ofWhenLocalDateThenExactDate() {
        BirthDate date = BirthDate.of(LocalDate.of(1985, 5, 14));

        assertThat(date).isEqualTo(BirthDate.parseIso("1985-05-14", TODAY));
        assertThat(date.presumed()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1985-05-15", "1985-06-14", "1984-05-14", "1985-05-00"})
    void equalsWhenAnyPartDiffersThenNotEqual(String other) {
        BirthDate date = BirthDate.parseIso("1985-05-14", TODAY);

        assertThat(date).isNotEqualTo(BirthDate.parseIso(other, TODAY));
        assertThat(date.hashCode()).isNotEqualTo(BirthDate.parseIso(other, TODAY).hashCode());
    }

    @Test
    void toStringWhenAnyDateThenNoDigits() {
        assertThat(BirthDate.parseIso("1985-05-14", TODAY).toString()).doesNotContainPattern("[0-9]");
    }

    /** Every valid date, presumed ones included, written back as read; the French form with the same zeros. */
    @Test
    void isoAndFrenchWhenAnyValidDateThenSameDigitsAsFormatted() {
        int checked = 0;
        for (int year = BirthDate.MIN_YEAR; year <= 9999; year = year < 2100 ? year + 1 : year + 997) {
            for (int month = 0; month <= 12; month++) {
                for (int day = 0; day <= 31; day++) {
                    String iso = String.format(java.util.Locale.ROOT, "%04d-%02d-%02d", year, month, day);
                    BirthDate date;
                    try {
                        date = BirthDate.parseIso(iso, LocalDate.MAX);
                    } catch (InvalidBirthDateException impossible) {
                        continue;
                    }
                    assertThat(date.iso()).isEqualTo(iso);
                    assertThat(date.french()).isEqualTo(
                            String.format(java.util.Locale.ROOT, "%02d/%02d/%04d", day, month, year));
                    checked++;
                }
            }
        }
        // 1850-2099 and a few later years: 366 exact dates a leap year, 365 otherwise, 12 + 1 presumed ones each
        assertThat(checked).isGreaterThan(250 * 378);
    }
}
