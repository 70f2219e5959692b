package dev.retention.api.privacy;

import dev.retention.workflows.ports.PurgeRequest;
import dev.retention.workflows.privacy.RetentionPurge;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Makes sure the daily retention purge is scheduled: a Temporal Schedule ({@value
 * RetentionPurge#SCHEDULE_ID}), visible and pausable in the Temporal UI. The SDK's in-process test
 * server has no Schedules; there the same workflow runs as a Temporal cron workflow.
 */
@Component
@Order(30)
@ConditionalOnProperty(
    name = "spring.temporal.start-workers",
    havingValue = "true",
    matchIfMissing = true)
class RetentionSchedule implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(RetentionSchedule.class);

  private final WorkflowClient client;
  private final String taskQueue;
  private final String cron;

  RetentionSchedule(
      WorkflowClient client,
      @Value("${retention.task-queue}") String taskQueue,
      @Value("${retention.privacy.purge-cron:17 3 * * *}") String cron) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.cron = cron;
  }

  @Override
  public void run(ApplicationArguments args) {
    ScheduleClient schedules =
        ScheduleClient.newInstance(
            client.getWorkflowServiceStubs(),
            ScheduleClientOptions.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .setDataConverter(client.getOptions().getDataConverter())
                .build());
    Schedule schedule =
        Schedule.newBuilder()
            .setAction(
                ScheduleActionStartWorkflow.newBuilder()
                    .setWorkflowType(RetentionPurge.class)
                    .setArguments(new PurgeRequest("schedule"))
                    .setOptions(
                        WorkflowOptions.newBuilder()
                            .setWorkflowId(RetentionPurge.SCHEDULE_ID + "-run")
                            .setTaskQueue(taskQueue)
                            .build())
                    .build())
            .setSpec(ScheduleSpec.newBuilder().setCronExpressions(List.of(cron)).build())
            .setPolicy(
                SchedulePolicy.newBuilder()
                    .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                    .build())
            .build();
    try {
      schedules.createSchedule(
          RetentionPurge.SCHEDULE_ID, schedule, ScheduleOptions.newBuilder().build());
      log.info(
          "retention purge scheduled: Temporal Schedule {} ({})", RetentionPurge.SCHEDULE_ID, cron);
    } catch (ScheduleAlreadyRunningException e) {
      // Scheduled by an earlier start (or another instance).
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      startCron();
    } catch (RuntimeException e) {
      if (!(e.getCause() instanceof StatusRuntimeException s)
          || s.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      startCron();
    }
  }

  private void startCron() {
    RetentionPurge purge =
        client.newWorkflowStub(
            RetentionPurge.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(RetentionPurge.SCHEDULE_ID)
                .setTaskQueue(taskQueue)
                .setCronSchedule(cron)
                .build());
    try {
      WorkflowClient.start(purge::purge, new PurgeRequest("cron"));
      log.info(
          "retention purge: this Temporal server has no Schedules (the in-process test server);"
              + " running it as the cron workflow {} ({})",
          RetentionPurge.SCHEDULE_ID,
          cron);
    } catch (WorkflowExecutionAlreadyStarted e) {
      // Already there.
    }
  }
}
