package dev.retention.api.support;

import dev.retention.data.ledger.RunRecords;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowTargetOptions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * After each {@link ApiTest} class: the runs still running in its application context are
 * terminated and recorded so. The contexts are shared by many classes; a run a class left behind
 * would otherwise go on working its days (every 2 s of a playbook day, for up to 17 days) beside
 * the classes after it, and on a context whose Temporal clock is skipped ({@link TemporalClock})
 * every skip would fire its timers, each standing the clock still while its step runs: a class that
 * skips 17 days took 35 s after the others' runs instead of 4 s alone.
 */
public final class LeftoverRuns implements AfterAllCallback {

  private static final Logger log = LoggerFactory.getLogger(LeftoverRuns.class);

  private record Running(String workflowId, String runId) {}

  @Override
  public void afterAll(ExtensionContext context) {
    ApplicationContext app = SpringExtension.getApplicationContext(context);
    WorkflowClient client = app.getBeanProvider(WorkflowClient.class).getIfAvailable();
    RunRecords records = app.getBeanProvider(RunRecords.class).getIfAvailable();
    if (client == null || records == null) {
      return;
    }
    List<Running> running =
        JdbcClient.create(app.getBean(javax.sql.DataSource.class))
            .sql("select workflow_id, run_id from playbook_runs where status = 'RUNNING'")
            .query((rs, i) -> new Running(rs.getString("workflow_id"), rs.getString("run_id")))
            .list();
    for (Running run : running) {
      try {
        client
            .newUntypedWorkflowStub(
                WorkflowTargetOptions.newBuilder()
                    .setWorkflowId(run.workflowId())
                    .setRunId(run.runId())
                    .build())
            .terminate("the test class that started it has ended");
        records.markClosed(run.runId(), "TERMINATED", Instant.now());
      } catch (WorkflowNotFoundException closedAlready) {
        // It ended on its own meanwhile and records that itself.
      } catch (RuntimeException e) {
        log.warn("leftover run {} not terminated", run.workflowId(), e);
      }
    }
  }
}
