package dev.retention.api.playbooks.dryrun;

import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.ports.BackendActivities;
import dev.retention.workflows.ports.BackendNotification;
import dev.retention.workflows.ports.CrmActivities;
import dev.retention.workflows.ports.CrmNote;
import dev.retention.workflows.ports.CrmTag;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CrmTaskReceipt;
import dev.retention.workflows.ports.CsmAlert;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.EmailFailure;
import dev.retention.workflows.ports.EmailReceipt;
import dev.retention.workflows.ports.ExpansionFigures;
import dev.retention.workflows.ports.ExpansionFiguresRequest;
import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.OfferActivities;
import dev.retention.workflows.ports.PrivacyActivities;
import dev.retention.workflows.ports.PurgeReport;
import dev.retention.workflows.ports.PurgeRequest;
import dev.retention.workflows.ports.SendSlot;
import dev.retention.workflows.ports.SendSlotRequest;
import dev.retention.workflows.ports.SendingRulesActivities;
import dev.retention.workflows.ports.UsageFigures;
import dev.retention.workflows.ports.UsageFiguresRequest;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One warm time-skipping environment (the SDK's in-process test service, its own clock) with a
 * worker on its own task queue that registers the target's workflows and, for every port, the
 * recorder of the dry-run playing on it now. One dry-run at a time: the clock is the environment's.
 */
final class DryRunEnvironment implements AutoCloseable {

  private final TestWorkflowEnvironment env;
  private final String taskQueue;
  private final AtomicReference<DryRunRecorder> current = new AtomicReference<>();
  private int uses;

  DryRunEnvironment(String taskQueue, List<Class<?>> workflowTypes, Instant startsAt) {
    this.taskQueue = taskQueue;
    TestEnvironmentOptions.Builder options =
        TestEnvironmentOptions.newBuilder().setInitialTime(startsAt);
    for (String keyword :
        List.of(
            RunSearchAttributes.PLAYBOOK.getName(),
            RunSearchAttributes.CUSTOMER_ID.getName(),
            RunSearchAttributes.CSM_ID.getName(),
            RunSearchAttributes.STAGE.getName())) {
      options.registerSearchAttribute(keyword, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    this.env = TestWorkflowEnvironment.newInstance(options.build());
    Worker worker = env.newWorker(taskQueue);
    worker.registerWorkflowImplementationTypes(workflowTypes.toArray(Class<?>[]::new));
    worker.registerActivitiesImplementations(new Ports(current));
    env.start();
  }

  String taskQueue() {
    return taskQueue;
  }

  WorkflowClient client() {
    return env.getWorkflowClient();
  }

  long now() {
    return env.currentTimeMillis();
  }

  /**
   * Lets the environment's clock pass {@code duration}, the run acting on each timer on the way.
   */
  void sleep(Duration duration) {
    if (duration.isPositive()) {
      env.sleep(duration);
    }
  }

  /** The recorder the ports answer with from now on (null: none, between dry-runs). */
  void use(DryRunRecorder recorder) {
    current.set(recorder);
    if (recorder != null) {
      uses++;
    }
  }

  int uses() {
    return uses;
  }

  @Override
  public void close() {
    current.set(null);
    env.close();
  }

  /** The ports the worker registers, each call answered by the current dry-run's recorder. */
  private static final class Ports
      implements EmailActivities,
          CrmActivities,
          LedgerActivities,
          SendingRulesActivities,
          BackendActivities,
          OfferActivities,
          PrivacyActivities {

    private final AtomicReference<DryRunRecorder> current;

    Ports(AtomicReference<DryRunRecorder> current) {
      this.current = current;
    }

    private DryRunRecorder recorder() {
      DryRunRecorder recorder = current.get();
      if (recorder == null) {
        throw new IllegalStateException("no dry-run is playing on this environment");
      }
      return recorder;
    }

    @Override
    public EmailReceipt sendCustomerEmail(CustomerEmail email) {
      return recorder().sendCustomerEmail(email);
    }

    @Override
    public EmailReceipt sendCsmAlert(CsmAlert alert) {
      return recorder().sendCsmAlert(alert);
    }

    @Override
    public void recordFailure(EmailFailure failure) {
      recorder().recordFailure(failure);
    }

    @Override
    public CrmTaskReceipt createTask(CrmTask task) {
      return recorder().createTask(task);
    }

    @Override
    public void addNote(CrmNote note) {
      recorder().addNote(note);
    }

    @Override
    public void addTag(CrmTag tag) {
      recorder().addTag(tag);
    }

    @Override
    public void record(LedgerUpdate update) {
      recorder().record(update);
    }

    @Override
    public SendSlot reserveSendSlot(SendSlotRequest request) {
      return recorder().reserveSendSlot(request);
    }

    @Override
    public void releaseSendSlot(SendSlotRequest request) {
      recorder().releaseSendSlot(request);
    }

    @Override
    public void notifyBackend(BackendNotification notification) {
      recorder().notifyBackend(notification);
    }

    @Override
    public ExpansionFigures expansionFigures(ExpansionFiguresRequest request) {
      return recorder().expansionFigures(request);
    }

    @Override
    public UsageFigures usageFigures(UsageFiguresRequest request) {
      return recorder().usageFigures(request);
    }

    @Override
    public PurgeReport purgeExpired(PurgeRequest request) {
      return recorder().purgeExpired(request);
    }
  }
}
