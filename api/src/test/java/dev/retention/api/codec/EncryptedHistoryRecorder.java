package dev.retention.api.codec;

import static dev.retention.workflows.PlaybookTestSupport.awaitSignalsHandled;
import static dev.retention.workflows.PlaybookTestSupport.awaitState;
import static dev.retention.workflows.PlaybookTestSupport.resultOf;
import static dev.retention.workflows.PlaybookTestSupport.waitingFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.FakeSendingRules;
import dev.retention.workflows.PlaybookTestSupport;
import dev.retention.workflows.RecordedHistories;
import dev.retention.workflows.RecordingActivities;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.RunOutcome;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.npsfollowup.NpsFollowUpInput;
import dev.retention.workflows.npsfollowup.NpsFollowUpPlaybook;
import dev.retention.workflows.npsfollowup.NpsFollowUpPlaybookImpl;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the encrypted histories that {@link EncryptedHistoryReplayTest} replays: an NPS detractor
 * whose comment and CSM notes are personal data, taken through every CSM outcome to {@code
 * RESOLVED}, with every payload encrypted under {@link CodecTestKeys#RECORDED}, and the same run
 * with its payloads under the customer's data key.
 *
 * <p>Not part of the normal build: the committed history must stay the one recorded with the codec
 * and workflow code that were live, so that replaying it catches a codec or workflow change that
 * old runs cannot survive. Re-record only on purpose (it writes under {@code api/}):
 *
 * <pre>
 * ./mvnw -q -B -pl api -am test -Dtest=EncryptedHistoryRecorder -DrecordHistories=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * (one of them: {@code -Dtest='EncryptedHistoryRecorder#recordCustomerKeyed*'}).
 */
@EnabledIfSystemProperty(
    named = "recordHistories",
    matches = "true",
    disabledReason =
        "generator of src/test/resources/"
            + EncryptedHistoryReplayTest.DETRACTOR_RESOLVED
            + "; run with -DrecordHistories=true to re-record on purpose")
class EncryptedHistoryRecorder {

  static final String CUSTOMER = "c-51";
  static final String CSM = "csm-5";

  @Test
  void recordEncryptedDetractorResolvedRun() throws Exception {
    record(
        new AesGcmPayloadCodec(CodecTestKeys.recorded()),
        EncryptedHistoryReplayTest.DETRACTOR_RESOLVED);
  }

  /**
   * The same run with the customer's payloads under their data key (crypto-shredding), and that
   * key, wrapped by {@link CodecTestKeys#RECORDED}, beside the history.
   */
  @Test
  void recordCustomerKeyedDetractorResolvedRun() throws Exception {
    InMemoryCustomerKeyStore store = new InMemoryCustomerKeyStore();
    AesGcmPayloadCodec codec =
        new AesGcmPayloadCodec(
            CodecTestKeys.recorded(), new CustomerDataKeys(CodecTestKeys.recorded(), store));
    record(codec, EncryptedHistoryReplayTest.CUSTOMER_KEYED);
    Path key = Path.of("src/test/resources", EncryptedHistoryReplayTest.CUSTOMER_KEY);
    Files.writeString(
        key, InMemoryCustomerKeyStore.line(store.live(CUSTOMER).orElseThrow()) + "\n");
  }

  private static void record(AesGcmPayloadCodec codec, String resource) throws Exception {
    try (TestWorkflowEnvironment env = environment(codec)) {
      Worker worker = env.newWorker(RecordedHistories.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(NpsFollowUpPlaybookImpl.class);
      worker.registerActivitiesImplementations(
          new RecordingActivities(),
          new FakeSendingRules(Map.of(CUSTOMER, ZoneId.of("Europe/Amsterdam"))));
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      String workflowId = Playbook.NPS_FOLLOW_UP.workflowId(CUSTOMER);
      NpsFollowUpPlaybook run =
          client.newWorkflowStub(
              NpsFollowUpPlaybook.class,
              PlaybookTestSupport.options(worker, Playbook.NPS_FOLLOW_UP, CUSTOMER, CSM));
      WorkflowClient.start(
          run::run,
          new NpsFollowUpInput(
              new PlaybookContext(CUSTOMER, CSM, Cadence.REAL_DAYS, true),
              2,
              EncryptedHistoryReplayTest.COMMENT));
      awaitState(run, waitingFor("outreach-sla"));

      env.sleep(Duration.ofHours(3));
      run.recordOutcome(outcome(OutcomeType.OUTREACH_DONE, "Left a voicemail for Anna Jansen"));
      run.customerResponded(new CustomerResponse("email-reply"));
      awaitSignalsHandled(client, workflowId, 1);
      env.sleep(Duration.ofDays(1));
      run.recordOutcome(outcome(OutcomeType.CALL_COMPLETED, EncryptedHistoryReplayTest.NOTE));
      env.sleep(Duration.ofDays(1));
      run.recordOutcome(outcome(OutcomeType.RECOVERY_PLAN, "Dedicated invoice contact for Anna"));
      env.sleep(Duration.ofDays(10));
      run.recordOutcome(outcome(OutcomeType.RESOLVED, "Invoices correct three months running"));

      assertThat(resultOf(run).outcome()).isEqualTo(RunOutcome.RESOLVED);
      RecordedHistories.write(client, workflowId, resource);
    }
  }

  /** The recorders' environment (time skipping from T0, the search attributes) with the codec. */
  static TestWorkflowEnvironment environment(AesGcmPayloadCodec codec) {
    TestEnvironmentOptions.Builder options =
        TestEnvironmentOptions.newBuilder()
            .setInitialTime(PlaybookTestSupport.T0)
            .setWorkflowClientOptions(
                WorkflowClientOptions.newBuilder().setDataConverter(codec.dataConverter()).build());
    for (var attribute :
        java.util.List.of(
            RunSearchAttributes.PLAYBOOK,
            RunSearchAttributes.CUSTOMER_ID,
            RunSearchAttributes.CSM_ID,
            RunSearchAttributes.STAGE)) {
      options.registerSearchAttribute(
          attribute.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    return TestWorkflowEnvironment.newInstance(options.build());
  }

  private static CsmOutcome outcome(OutcomeType type, String note) {
    return new CsmOutcome(type, note, CSM);
  }
}
