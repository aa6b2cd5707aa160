package fr.ameli.idp.registry;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A birth date, possibly presumed (SPEC 3.1, FRANCECONNECT.md A {@code birthdate}).
 *
 * <p>Some people's exact birth date is unknown; civil status then records a presumed date whose
 * day, or day and month, are unknown, written {@code 00} by FranceConnect:
 * {@code YYYY-MM-00} or {@code YYYY-00-00}. A known day with an unknown month
 * ({@code YYYY-00-DD}) does not exist. {@link #day()} and {@link #month()} return 0 when unknown.
 *
 * <p>Two input forms:
 * <ul>
 *   <li>{@link #parseIso}: the FranceConnect claim {@code YYYY-MM-DD}, strictly (no white space,
 *       exactly 2 digits for month and day): it is a machine format and a provider sending
 *       anything else is answering wrongly;</li>
 *   <li>{@link #parseFrench}: what people type in French web forms, {@code DD/MM/YYYY}, with 1 or
 *       2 digits for day and month ({@code 4/5/1985}) and surrounding white space ignored;
 *       {@code 00} is accepted for an unknown day or month there too, so that a person with a
 *       presumed date can type it as printed on their documents.</li>
 * </ul>
 * Both refuse impossible dates (month 13, 30 February, 29 February outside leap years), years
 * before {@value #MIN_YEAR}, and dates in the future. A presumed date is in the future when its
 * earliest possible day is: {@code YYYY-00-00} is accepted from 1 January of that year on,
 * {@code YYYY-MM-00} from the first of that month. {@code today} is the caller's current date in
 * France ({@code LocalDate.now(clock)} with the Europe/Paris zone).
 *
 * <p>{@link #toString()} does not show the date: it is personal data.
 */
public final class BirthDate {

    /** The earliest year accepted; anything before is taken for a typo (e.g. 0985). */
    public static final int MIN_YEAR = 1850;

    private static final Pattern ISO = Pattern.compile("([0-9]{4})-([0-9]{2})-([0-9]{2})");
    private static final Pattern FRENCH = Pattern.compile("([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})");

    private final int year;
    private final int month;
    private final int day;

    private BirthDate(int year, int month, int day) {
        this.year = year;
        this.month = month;
        this.day = day;
    }

    /**
     * Parses a FranceConnect {@code birthdate} claim.
     *
     * @throws InvalidBirthDateException with the reason of the refusal, never with the input
     */
    public static BirthDate parseIso(@Nullable String raw, LocalDate today) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidBirthDateException(InvalidBirthDateException.Reason.EMPTY);
        }
        Matcher m = ISO.matcher(raw);
        if (!m.matches()) {
            throw new InvalidBirthDateException(InvalidBirthDateException.Reason.FORMAT);
        }
        return of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), today);
    }

    /**
     * Parses a date typed in a French form, {@code DD/MM/YYYY} ({@code D/M/YYYY} accepted).
     *
     * @throws InvalidBirthDateException with the reason of the refusal, never with the input
     */
    public static BirthDate parseFrench(@Nullable String raw, LocalDate today) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidBirthDateException(InvalidBirthDateException.Reason.EMPTY);
        }
        Matcher m = FRENCH.matcher(raw.strip());
        if (!m.matches()) {
            throw new InvalidBirthDateException(InvalidBirthDateException.Reason.FORMAT);
        }
        return of(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1)), today);
    }

    /** An exactly known birth date, e.g. read from the registry's date column. */
    public static BirthDate of(LocalDate date) {
        return new BirthDate(date.getYear(), date.getMonthValue(), date.getDayOfMonth());
    }

    private static BirthDate of(int year, int month, int day, LocalDate today) {
        if (month > 12 || (month == 0 && day != 0)) {
            throw new InvalidBirthDateException(InvalidBirthDateException.Reason.INVALID_DATE);
        }
        LocalDate earliest;
        try {
            earliest = LocalDate.of(year, Math.max(month, 1), Math.max(day, 1));
        }
        catch (DateTimeException ex) {
            throw new InvalidBirthDateException(InvalidBirthDateException.Reason.INVALID_DATE);
        }
        if (year < MIN_YEAR) {
            throw new InvalidBirthDateException(InvalidBirthDateException.Reason.TOO_OLD);
        }
        if (earliest.isAfter(today)) {
            throw new InvalidBirthDateException(InvalidBirthDateException.Reason.FUTURE);
        }
        return new BirthDate(year, month, day);
    }

    /** {@code YYYY-MM-DD}, with {@code 00} for an unknown day or month (the FranceConnect claim). */
    public String iso() {
        StringBuilder iso = new StringBuilder(10);
        digits(iso, year, 4).append('-');
        digits(iso, month, 2).append('-');
        return digits(iso, day, 2).toString();
    }

    /** {@code DD/MM/YYYY}, with {@code 00} for an unknown day or month (the French display). */
    public String french() {
        StringBuilder french = new StringBuilder(10);
        digits(french, day, 2).append('/');
        digits(french, month, 2).append('/');
        return digits(french, year, 4).toString();
    }

    /** {@code value} (0 to 9999) with leading zeros to {@code width} digits (userinfo writes a birth date per call). */
    private static StringBuilder digits(StringBuilder to, int value, int width) {
        for (int bound = width == 4 ? 1000 : 10; bound > 1 && value < bound; bound /= 10) {
            to.append('0');
        }
        return to.append(value);
    }

    public int year() {
        return year;
    }

    /** 1–12, or 0 when unknown. */
    public int month() {
        return month;
    }

    /** 1–31, or 0 when unknown. */
    public int day() {
        return day;
    }

    /** Whether the day, or the day and the month, are unknown. */
    public boolean presumed() {
        return day == 0;
    }

    /** The date, when it is exactly known. */
    public Optional<LocalDate> toLocalDate() {
        return presumed() ? Optional.empty() : Optional.of(LocalDate.of(year, month, day));
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof BirthDate date && date.year == year && date.month == month && date.day == day;
    }

    @Override
    public int hashCode() {
        return (year * 13 + month) * 32 + day;
    }

    /** Not the date: it is personal data. */
    @Override
    public String toString() {
        return "BirthDate[***]";
    }
}
