package io.eventsource.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which partitions of a type an instance of a service should be the active consumer of, given the service's live
 * instances: partition {@code k} goes to the instance at index {@code k mod m} of the {@code m} live instances in
 * their sorted order. Every instance computes the same answer from the same view, each gets {@code n / m} partitions
 * give or take one. Instances whose views
 * differ for a moment (one heartbeat) at worst both want a partition; its queue's single active consumer still lets
 * only one of them consume it.
 */
public final class PartitionAssignment {
    private PartitionAssignment() {
    }

    /**
     * The partitions {@code instance} should consume, ascending.
     *
     * @param partitions how many partitions the type has, 1 or more
     * @param live       the service's live instances, in any order; {@code instance} counts as live even if absent
     *                   (it is starting, or its heartbeat has not been read back yet)
     * @param instance   the instance asking
     * @throws InvalidValueException if {@code partitions} is under 1
     */
    public static List<Integer> of(int partitions, List<String> live, String instance) {
        Objects.requireNonNull(live, "live");
        Objects.requireNonNull(instance, "instance");
        if (partitions < 1) {
            throw new InvalidValueException("a type has 1 or more partitions, got " + partitions);
        }
        List<String> sorted = new ArrayList<>(live.stream().distinct().sorted().toList());
        if (!sorted.contains(instance)) {
            sorted.add(instance);
            sorted.sort(null);
        }
        int index = sorted.indexOf(instance);
        List<Integer> mine = new ArrayList<>();
        for (int partition = index; partition < partitions; partition += sorted.size()) {
            mine.add(partition);
        }
        return List.copyOf(mine);
    }
}
