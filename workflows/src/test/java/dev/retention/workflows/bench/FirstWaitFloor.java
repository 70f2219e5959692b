package dev.retention.workflows.bench;

import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.Map;

/**
 * The floor for how fast runs reach their first durable wait: the at-risk playbook's first day
 * written straight on the SDK, nothing else. Its one activity is the product's own day-1 email, run
 * by the app's workers on the app's task queue ({@code activityQueue}); then it sleeps, as the
 * playbook does, until day 3. No run record, no timeline, no search attributes, no sending rules:
 * what the product does beyond them is what its own figure pays for.
 */
@WorkflowInterface
public interface FirstWaitFloor {

  @WorkflowMethod
  void run(String customerId, String activityQueue);

  /** The first day and the wait after it. */
  class Impl implements FirstWaitFloor {
    @Override
    public void run(String customerId, String activityQueue) {
      EmailActivities email =
          Workflow.newActivityStub(
              EmailActivities.class,
              ActivityOptions.newBuilder()
                  .setTaskQueue(activityQueue)
                  .setStartToCloseTimeout(Duration.ofSeconds(30))
                  .build());
      email.sendCustomerEmail(
          new CustomerEmail(
              Workflow.getInfo().getWorkflowId(),
              "day-1-email",
              "at-risk",
              "at-risk/day-1",
              customerId,
              Map.of()));
      Workflow.sleep(Duration.ofDays(2));
    }
  }
}
