package io.eventsource.tck;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The failure suites bite: run with the JUnit Platform's launcher, each passes whole on a correct adapter and fails,
 * in exactly the cases that check the rule, on an adapter that breaks that rule on purpose ({@link BrokenAdapters}).
 */
class FailureSuitesBiteTest {

    @Test
    void theEventLogSuitePassesWholeOnACorrectLog() {
        assertPassesWhole(FailureSuiteSubjects.CorrectEventLog.class, EventLogFailuresContract.class);
    }

    @Test
    void aLogThatCallsEveryErrorTransientFailsEveryCaseOfAPermanentRefusal() {
        assertFailsExactly(FailureSuiteSubjects.EveryErrorTransientEventLog.class,
                "ofAppendersRacingToUseOneEventIdForOtherContentOneWinsAndTheOthersAreRefusedAsDuplicates",
                "aReusedEventIdIsRefusedAgainOnEveryRetryAndNeverAsATransientFailure",
                "twoAppendsOfOneBatchThatShareAnEventIdWriteTheFirstAndRefuseTheSecondAsADuplicate",
                "countsThePayloadLimitInBytesNotCharacters",
                "anAppendOverTheLimitIsRefusedAloneWhereverItSitsInABatchAndWritesNothing",
                "anEventTheLogCannotHoldIsRefusedPermanentlyWritesNothingAndTheLogWorksOn",
                "aBatchRefusesAnEventTheLogCannotHoldAloneAndWritesItsNeighbours");
    }

    @Test
    void aLogThatCallsADuplicateIdTransientFailsTheDuplicateCases() {
        assertFailsExactly(FailureSuiteSubjects.DuplicateIdTransientEventLog.class,
                "ofAppendersRacingToUseOneEventIdForOtherContentOneWinsAndTheOthersAreRefusedAsDuplicates",
                "aReusedEventIdIsRefusedAgainOnEveryRetryAndNeverAsATransientFailure",
                "twoAppendsOfOneBatchThatShareAnEventIdWriteTheFirstAndRefuseTheSecondAsADuplicate");
    }

    @Test
    void aLogThatIgnoresThePayloadLimitFailsTheCasesOverTheLimit() {
        assertFailsExactly(FailureSuiteSubjects.PayloadLimitIgnoredEventLog.class,
                "countsThePayloadLimitInBytesNotCharacters",
                "anAppendOverTheLimitIsRefusedAloneWhereverItSitsInABatchAndWritesNothing");
    }

    @Test
    void aLogThatKeepsMillisecondsFailsTheTimestampCases() {
        assertFailsExactly(FailureSuiteSubjects.MillisecondEventLog.class,
                "keepsOccurredAtToTheNanosecondWhereverTheEventIsReadFrom",
                "aRetriedAppendOfEventsWithSubMillisecondTimesReturnsTheStoredEvents",
                "queriesCompareOccurredAtToTheNanosecond",
                "keepsPublishedAtToTheNanosecond",
                "keepsTheWidestEventTheDomainAllowsExactly");
    }

    @Test
    void theAckStoreSuitePassesWholeOnACorrectStore() {
        assertPassesWhole(FailureSuiteSubjects.CorrectAckStore.class, AckStoreFailuresContract.class);
    }

    @Test
    void anAckStoreThatCallsEveryErrorTransientFailsTheRefusedRecord() {
        assertFailsExactly(FailureSuiteSubjects.EveryErrorTransientAckStore.class,
                "aRecordThatFailsOnAnAckItCannotHoldLeavesNoneOfItsAcksOk");
    }

    @Test
    void anAckStoreThatKeepsMillisecondsFailsTheTimeCases() {
        assertFailsExactly(FailureSuiteSubjects.MillisecondAckStore.class,
                "keepsAnAcksTimeToTheNanosecond",
                "listsFailuresInTheOrderOfTheirTimesToTheNanosecond");
    }

    @Test
    void anAckStoreThatRecordsOkBeforeFailingFailsTheRefusedRecord() {
        assertFailsExactly(FailureSuiteSubjects.OkBeforeFailingAckStore.class,
                "aRecordThatFailsOnAnAckItCannotHoldLeavesNoneOfItsAcksOk");
    }

    @Test
    void theConnectionFailureSuitesPassWholeOnAStoreThatFilesItsFailuresCorrectly() {
        assertPassesWhole(FailureSuiteSubjects.CorrectNetworkedEventLog.class, EventLogConnectionFailuresContract.class);
        assertPassesWhole(FailureSuiteSubjects.CorrectNetworkedAckStore.class, AckStoreConnectionFailuresContract.class);
    }

    @Test
    void aStoreThatFilesALostConnectionAsPermanentFailsEveryCaseOfAStoreThatIsDown() {
        assertFailsExactly(FailureSuiteSubjects.ConnectionLossPermanentEventLog.class,
                "everyOperationFailsTransientlyWhileTheStoreIsDown",
                "anAppendWhileTheStoreIsDownWritesNothingAndItsRetryWorksOnceTheStoreIsBack",
                "connectionsCutUnderTheLogFailTransientlyOrAreReplacedAndTheLogWorksOn");
        assertFailsExactly(FailureSuiteSubjects.ConnectionLossPermanentAckStore.class,
                "everyOperationFailsTransientlyWhileTheStoreIsDown",
                "aRecordThatFailsWhileTheStoreIsDownLeavesNoOkAndItsRetryWorksOnceTheStoreIsBack",
                "connectionsCutUnderTheStoreFailTransientlyOrAreReplacedAndTheStoreWorksOn");
    }

    @Test
    void aStoreThatFilesEveryFailureAsTransientFailsTheRefusedPassword() {
        assertFailsExactly(FailureSuiteSubjects.EverythingTransientNetworkedEventLog.class,
                "aStoreThatRefusesTheLogForGoodIsAPermanentFailure");
        assertFailsExactly(FailureSuiteSubjects.EverythingTransientNetworkedAckStore.class,
                "aStoreThatRefusesTheAckStoreForGoodIsAPermanentFailure");
    }

    private static void assertPassesWhole(Class<?> subject, Class<?> suite) {
        Map<String, String> outcomes = run(subject);
        assertThat(outcomes.keySet()).as("the cases of %s that ran", suite.getSimpleName())
                .containsExactlyInAnyOrderElementsOf(testsOf(suite));
        assertThat(outcomes).as("%s on %s", suite.getSimpleName(), subject.getSimpleName())
                .allSatisfy((test, outcome) -> assertThat(outcome).as(test).isEqualTo("SUCCESSFUL"));
    }

    private static void assertFailsExactly(Class<?> subject, String... failing) {
        Map<String, String> outcomes = run(subject);
        Set<String> failed = outcomes.entrySet().stream().filter(entry -> entry.getValue().startsWith("FAILED"))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        assertThat(failed).as("the cases that failed on %s: %s", subject.getSimpleName(), outcomes)
                .containsExactlyInAnyOrder(failing);
        assertThat(outcomes.keySet()).as("the cases that ran on %s", subject.getSimpleName())
                .containsExactlyInAnyOrderElementsOf(testsOf(suiteOf(subject)));
        assertThat(outcomes).as("every other case passes on %s", subject.getSimpleName())
                .allSatisfy((test, outcome) -> assertThat(failed.contains(test) || outcome.equals("SUCCESSFUL"))
                        .as("%s: %s", test, outcome).isTrue());
    }

    /** The TCK suite that the subject extends. */
    private static Class<?> suiteOf(Class<?> subject) {
        Class<?> suite = subject;
        while (!suite.getName().endsWith("Contract")) {
            suite = suite.getSuperclass();
        }
        return suite;
    }

    /** The suite's test methods, by name. */
    private static Set<String> testsOf(Class<?> suite) {
        return Arrays.stream(suite.getDeclaredMethods())
                .filter(method -> method.isAnnotationPresent(Test.class) && !Modifier.isStatic(method.getModifiers()))
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Runs the subject's tests; per test method, SUCCESSFUL, ABORTED, SKIPPED or FAILED with what failed. */
    private static Map<String, String> run(Class<?> subject) {
        Map<String, String> outcomes = new TreeMap<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(subject)).build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier test, String reason) {
                name(test).ifPresent(name -> outcomes.put(name, "SKIPPED: " + reason));
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                name(test).ifPresent(name -> outcomes.put(name, result.getStatus()
                        + result.getThrowable().map(failure -> ": " + failure).orElse("")));
            }

            private java.util.Optional<String> name(TestIdentifier test) {
                return test.isTest() ? test.getSource().filter(MethodSource.class::isInstance)
                        .map(source -> ((MethodSource) source).getMethodName()) : java.util.Optional.empty();
            }
        });
        return outcomes;
    }
}
