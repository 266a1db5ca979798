package io.eventsource.benchmarks;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CpuProfileTest {

    @Test
    void countsASampleForTheInnermostOwnerAndForTheOutermostPathOfTheLibrary() {
        String stacks = String.join("\n",
                // a delivery's log read: the driver's code runs, for the delivery path
                "java/lang/Thread.run;io/eventsource/core/SystemScheduler$$Lambda$1.run;"
                        + "io/eventsource/core/SharedReads.readWhileWaiting;"
                        + "io/eventsource/adapter/mysql/HibernateEventLog.read;org/hibernate/internal/X.y;"
                        + "com/mysql/cj/NativeSession.execSQL;__send_[k] 50",
                // the publisher's own code
                "java/lang/Thread.run;io/eventsource/core/RoutingPublisher$Batch.send;"
                        + "io/eventsource/core/Router.sendAll 30",
                // a pool thread waiting for work, in the kernel
                "java/lang/Thread.run;java/util/concurrent/ThreadPoolExecutor.getTask;futex_wait_[k] 15",
                // the JIT
                "thread_native_entry;CompileBroker::compiler_thread_loop;PhaseChaitin::Split 5");

        List<String> lines = CpuProfile.summary(stacks, Path.of("cpu.collapsed"));

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("100 samples").contains("cpu.collapsed");
        assertThat(lines.get(1)).isEqualTo("    whose code ran: the database client (Hibernate, Connector/J, HikariCP)"
                + " 50%, the library's own code 30%, threads parking and waking (pools) 15%, the JIT compiler 5%");
        assertThat(lines.get(2)).isEqualTo("    for which path: delivery 50%, publishing 30%,"
                + " pool threads waiting for work 15%, the JIT and the GC 5%");
    }

    @Test
    void leavesOutSharesBelowOnePercentAfterTheFirst() {
        String stacks = "io/eventsource/core/Dispatcher.process 995\nio/eventsource/core/Sweeper.sweep 5";

        List<String> lines = CpuProfile.summary(stacks, Path.of("cpu.collapsed"));

        assertThat(lines.get(1)).isEqualTo("    whose code ran: the library's own code 100%");
        assertThat(lines.get(2)).isEqualTo("    for which path: delivery 100%");
    }
}
