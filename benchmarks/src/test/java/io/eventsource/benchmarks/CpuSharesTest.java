package io.eventsource.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CpuSharesTest {

    @Test
    void readsTheVoluntaryContextSwitchesOfAThreadsStatus() {
        String status = String.join("\n", "Name:\teventsource-wor", "State:\tS (sleeping)",
                "voluntary_ctxt_switches:\t1234", "nonvoluntary_ctxt_switches:\t56", "");

        assertThat(CpuShares.voluntarySwitches(status)).isEqualTo(1234);
    }

    @Test
    void countsNoSwitchesWhereTheStatusHasNone() {
        assertThat(CpuShares.voluntarySwitches("Name:\tjava\nState:\tR (running)\n")).isZero();
    }

    @Test
    void tellsTheCpuAndTheSleepsOfThisJvmPerEvent() {
        CpuShares shares = CpuShares.start();

        String line = shares.perEvent(1000);

        assertThat(line).matches("per event: this JVM's CPU outside the JIT \\d+ µs, its threads went to sleep"
                + " \\d+\\.\\d times|per event: unknown \\(no events, or no /proc\\)");
        assertThat(shares.perEvent(0)).startsWith("per event: unknown");
    }
}
