package io.dbautopilot.performance.detect.statistical;

import org.apache.commons.math3.stat.descriptive.rank.Median;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a series' reading is expected to be now, from its history: the median and MAD of the readings of the same
 * hour of the week in earlier weeks once enough weeks exist, else of the same hour of day in recent days, else of
 * the recent window; nothing during warm-up. Pure: reads a {@link SlotSeries}.
 */
public final class SeasonalBaseline {

    /** Which history the baseline came from. */
    public enum Kind {
        /** Same hour of the week, earlier weeks. */
        HOUR_OF_WEEK,
        /** Same hour of the day, recent days. */
        HOUR_OF_DAY,
        /** The recent window, no seasonality. */
        RECENT
    }

    /**
     * An expectation.
     *
     * @param median  median of the baseline's readings
     * @param mad     median absolute deviation from it
     * @param samples readings it rests on
     * @param kind    which history
     */
    public record Expected(double median, double mad, int samples, Kind kind) {

        /** The spread a deviation is measured in: 1.4826 MAD (a standard deviation for normal data), floored. */
        public double scale(double relativeFloor) {
            return Math.max(Math.max(1.4826 * mad, relativeFloor * Math.abs(median)), 1e-12);
        }
    }

    private final Duration warmUp;
    private final int minSamples;
    private final int seasonalMinWeeks;
    private final Duration dailyWindow;
    private final Duration recentWindow;
    private final ZoneId zone;

    /** A baseline with the given settings. */
    public SeasonalBaseline(Duration warmUp, int minSamples, int seasonalMinWeeks, Duration dailyWindow,
                            Duration recentWindow, ZoneId zone) {
        this.warmUp = warmUp;
        this.minSamples = minSamples;
        this.seasonalMinWeeks = seasonalMinWeeks;
        this.dailyWindow = dailyWindow;
        this.recentWindow = recentWindow;
        this.zone = zone;
    }

    /** The expectation for a reading at {@code now} from the readings before {@code now}'s slot; empty in warm-up. */
    public Optional<Expected> expected(SlotSeries series, Instant now) {
        long current = series.slotOf(now);
        long first = series.firstSlot();
        if (first == Long.MIN_VALUE || Duration.between(series.startOf(first), now).compareTo(warmUp) < 0) {
            return Optional.empty();
        }
        ZonedDateTime hour = now.atZone(zone).truncatedTo(ChronoUnit.HOURS);
        long oldest = series.oldestSlot();
        long dailyDays = dailyWindow.toDays();
        int held = series.capacity();
        double[] weekly = new double[held];
        double[] daily = new double[held];
        double[] recent = new double[held];
        int nw = 0;
        int nd = 0;
        int nr = 0;
        Set<Integer> weeks = new HashSet<>();
        Set<Integer> days = new HashSet<>();
        // The same hour of today and of every earlier day still held: only those slots are read.
        for (int k = 0; ; k++) {
            ZonedDateTime h = hour.minusDays(k);
            long from = series.slotOf(h.toInstant());
            long to = Math.min(series.slotOf(h.plusHours(1).toInstant().minusSeconds(1)), current - 1);
            if (series.slotOf(h.plusHours(1).toInstant()) < oldest) {
                break;
            }
            boolean sameWeekday = k % 7 == 0;
            boolean inDaily = k <= dailyDays;
            for (long s = Math.max(from, oldest); s <= to; s++) {
                double v = series.valueAt(s);
                if (Double.isNaN(v)) {
                    continue;
                }
                if (sameWeekday && nw < held) {
                    weekly[nw++] = v;
                    if (k >= 7) {
                        weeks.add(k / 7);
                    }
                }
                if (inDaily && nd < held) {
                    daily[nd++] = v;
                    if (k >= 1) {
                        days.add(k);
                    }
                }
            }
        }
        for (long s = Math.max(series.slotOf(now.minus(recentWindow)), oldest); s < current; s++) {
            double v = series.valueAt(s);
            if (!Double.isNaN(v) && nr < held) {
                recent[nr++] = v;
            }
        }
        if (weeks.size() >= seasonalMinWeeks && nw >= minSamples) {
            return Optional.of(of(weekly, nw, Kind.HOUR_OF_WEEK));
        }
        if (!days.isEmpty() && nd >= minSamples) {
            return Optional.of(of(daily, nd, Kind.HOUR_OF_DAY));
        }
        if (nr >= minSamples) {
            return Optional.of(of(recent, nr, Kind.RECENT));
        }
        return Optional.empty();
    }

    private static Expected of(double[] values, int n, Kind kind) {
        double[] v = Arrays.copyOf(values, n);
        Median median = new Median();
        double m = median.evaluate(v);
        double[] dev = new double[n];
        for (int i = 0; i < n; i++) {
            dev[i] = Math.abs(v[i] - m);
        }
        return new Expected(m, median.evaluate(dev), n, kind);
    }

    /** "Tue 14:00" style label of the hour an instant falls in. */
    public String hourLabel(Instant now) {
        ZonedDateTime t = now.atZone(zone).truncatedTo(ChronoUnit.HOURS);
        return t.getDayOfWeek().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ROOT) + " "
                + String.format(java.util.Locale.ROOT, "%02d:00", t.getHour());
    }
}
