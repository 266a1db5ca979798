package io.eventsource.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run's figures: one row per measure, the library's figure beside its raw ceiling, their ratio and the target;
 * printed as a table and written as CSV (one row per measure) and as text (everything printed).
 */
final class Report {
    private final List<Row> rows = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private final PrintStream out;

    Report(PrintStream out) {
        this.out = out;
    }

    /** Prints a line now and keeps it for the text file. */
    void say(String format, Object... arguments) {
        String line = String.format(Locale.ROOT, format, arguments);
        lines.add(line);
        out.println(line);
        out.flush();
    }

    void add(Row row) {
        rows.add(row);
    }

    /** How a ratio is judged. */
    enum Direction {
        AT_LEAST(">="), AT_MOST("<=");

        private final String sign;

        Direction(String sign) {
            this.sign = sign;
        }
    }

    /**
     * One measure.
     *
     * @param ratio  library ÷ raw (for memory: the figure itself); NaN if a side failed
     * @param target the bound the ratio should meet; NaN for a figure shown for information
     * @param note   what failed, or what the figure is made of
     */
    record Row(String measure, double library, String libraryUnit, double raw, String rawUnit, double ratio,
               Direction direction, double target, String targetUnit, String note) {

        static Row failed(String measure, Direction direction, double target, String targetUnit, String reason) {
            return new Row(measure, Double.NaN, "", Double.NaN, "", Double.NaN, direction, target, targetUnit, reason);
        }

        String verdict() {
            if (Double.isNaN(target)) {
                return "";
            }
            if (Double.isNaN(ratio)) {
                return "n/a";
            }
            boolean met = direction == Direction.AT_LEAST ? ratio >= target : ratio <= target;
            return met ? "met" : "MISSED";
        }

        String targetText() {
            return Double.isNaN(target) ? "" : direction.sign + " " + number(target) + targetUnit;
        }

        String ratioText() {
            return Double.isNaN(ratio) ? "-" : (targetUnit.isEmpty() ? String.format(Locale.ROOT, "%.2f", ratio)
                    : number(ratio) + targetUnit);
        }
    }

    void printTable() {
        String format = "%-22s %19s %17s %9s %10s %s";
        say("");
        say(format, "measure", "library", "raw client", "ratio", "target", "");
        for (Row row : rows) {
            say(format, row.measure(), figure(row.library(), row.libraryUnit()), figure(row.raw(), row.rawUnit()),
                    row.ratioText(), row.targetText(), row.verdict());
        }
        for (Row row : rows) {
            if (!row.note().isEmpty()) {
                say("  %s: %s", row.measure(), row.note());
            }
        }
    }

    /** Writes {@code {name}.csv} (the rows) and {@code {name}.txt} (every line said) under {@code directory}. */
    List<Path> write(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        List<String> csv = new ArrayList<>();
        csv.add("measure,library,library_unit,raw,raw_unit,ratio,target,verdict,note");
        for (Row row : rows) {
            csv.add(String.join(",", quoted(row.measure()), plain(row.library()), quoted(row.libraryUnit()),
                    plain(row.raw()), quoted(row.rawUnit()), plain(row.ratio()), quoted(row.targetText()),
                    row.verdict(), quoted(row.note())));
        }
        Path table = directory.resolve(name + ".csv");
        Path text = directory.resolve(name + ".txt");
        Files.write(table, csv, StandardCharsets.UTF_8);
        Files.write(text, lines, StandardCharsets.UTF_8);
        return List.of(table, text);
    }

    private static String figure(double value, String unit) {
        return Double.isNaN(value) ? "-" : number(value) + " " + unit;
    }

    static String number(double value) {
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (Math.abs(value) >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String plain(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.4f", value);
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }
}
