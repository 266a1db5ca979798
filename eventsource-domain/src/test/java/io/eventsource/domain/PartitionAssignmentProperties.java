package io.eventsource.domain;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.UniqueElements;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionAssignmentProperties {

    @Property(tries = 300)
    void everyPartitionHasExactlyOneLiveInstanceAndSharesDifferByAtMostOne(
            @ForAll @IntRange(min = 1, max = 64) int partitions,
            @ForAll @Size(min = 1, max = 9) @UniqueElements List<@StringLength(min = 1, max = 6) String> live) {
        List<Integer> all = new ArrayList<>();
        int fewest = Integer.MAX_VALUE;
        int most = 0;
        for (String instance : live) {
            List<Integer> mine = PartitionAssignment.of(partitions, live, instance);
            all.addAll(mine);
            fewest = Math.min(fewest, mine.size());
            most = Math.max(most, mine.size());
        }
        assertThat(all).hasSize(partitions);
        assertThat(new HashSet<>(all)).hasSize(partitions).allMatch(p -> p >= 0 && p < partitions);
        assertThat(most - fewest).isLessThanOrEqualTo(1);
    }

    @Property(tries = 200)
    void theAnswerDependsOnlyOnWhoIsLiveNotOnTheOrderTheyAreRead(
            @ForAll @IntRange(min = 1, max = 32) int partitions,
            @ForAll @Size(min = 1, max = 6) @UniqueElements List<@StringLength(min = 1, max = 4) String> live) {
        List<String> reversed = new ArrayList<>(live);
        java.util.Collections.reverse(reversed);
        for (String instance : live) {
            assertThat(PartitionAssignment.of(partitions, reversed, instance))
                    .isEqualTo(PartitionAssignment.of(partitions, live, instance));
        }
    }

    @Property(tries = 100)
    void anInstanceNotYetReadBackCountsAsLive(@ForAll @IntRange(min = 2, max = 32) int partitions) {
        Set<Integer> mine = new HashSet<>(PartitionAssignment.of(partitions, List.of("a"), "b"));
        Set<Integer> theirs = new HashSet<>(PartitionAssignment.of(partitions, List.of("a", "b"), "a"));
        assertThat(mine).doesNotContainAnyElementsOf(theirs);
        assertThat(mine.size() + theirs.size()).isEqualTo(partitions);
    }
}
