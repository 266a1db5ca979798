package io.eventsource.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.eventsource.benchmarks.Report.Direction.AT_LEAST;
import static io.eventsource.benchmarks.Report.Direction.AT_MOST;
import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

    @Test
    void judgesEachRatioAgainstItsTargetInItsDirection() {
        assertThat(row(0.31, AT_LEAST, 0.3).verdict()).isEqualTo("met");
        assertThat(row(0.29, AT_LEAST, 0.3).verdict()).isEqualTo("MISSED");
        assertThat(row(4.9, AT_MOST, 5).verdict()).isEqualTo("met");
        assertThat(row(5.1, AT_MOST, 5).verdict()).isEqualTo("MISSED");
        assertThat(row(Double.NaN, AT_LEAST, 0.3).verdict()).isEqualTo("n/a");
        assertThat(row(12, AT_MOST, Double.NaN).verdict()).isEmpty();
    }

    @Test
    void writesOneCsvRowPerMeasureWithItsTextQuoted(@TempDir Path directory) throws Exception {
        Report report = new Report(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        report.add(new Report.Row("hot, publishAsync x1", 1500, "events/s", 3000, "msgs/s", 0.5, AT_LEAST, 0.3, "",
                "a \"quoted\" note, with a comma"));
        report.add(Report.Row.failed("memory, 10,000 active", AT_MOST, 256, " MB", "the listener did not start"));

        List<Path> written = report.write(directory, "bench-test");

        List<String> csv = Files.readAllLines(written.get(0), StandardCharsets.UTF_8);
        assertThat(csv).hasSize(3);
        assertThat(csv.get(1)).isEqualTo("\"hot, publishAsync x1\",1500.0000,\"events/s\",3000.0000,\"msgs/s\",0.5000,"
                + "\">= 0.30\",met,\"a \"\"quoted\"\" note, with a comma\"");
        assertThat(csv.get(2)).startsWith("\"memory, 10,000 active\",,\"\",,\"\",,\"<= 256 MB\",n/a,");
    }

    private static Report.Row row(double ratio, Report.Direction direction, double target) {
        return new Report.Row("measure", 1, "", 1, "", ratio, direction, target, "", "");
    }
}
