package io.eventsource.examples.readme;

import io.eventsource.core.ProjectionBinding;
import io.eventsource.core.ReplayRun;
import io.eventsource.domain.ReplayProgress;
import io.eventsource.domain.ReplayRequest;

/** The block of the README's "Replay" (see {@link ReadmeSnippets} for the markers). */
final class ReplaySnippets {

    private ReplaySnippets() {
    }

    /** A replay of a position range through a running listener's binding, and its progress. */
    static ReplayRun replayARange(ProjectionBinding projections) {
        // README: Replay
        ReplayRun run = projections.replay(ReplayRequest.all()
                .id("prices-2026-11")          // the same id after a crash goes on from the stored progress
                .positions(120_000, 180_000)   // or .ofAggregate(id), .occurredBetween(from, before), .failedOnly()
                .throttle(200));               // events per second; 500 by default
        ReplayProgress progress = run.progress();
        System.out.printf("%d of %d sent, %d to go, about %s left%n", progress.sent(), progress.selected(),
                progress.remaining(), progress.eta());
        // README: end
        return run;
    }
}
