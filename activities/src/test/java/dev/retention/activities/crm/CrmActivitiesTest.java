package dev.retention.activities.crm;

import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.retention.activities.testing.ActivityHarness;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.workflows.ports.CrmActivities;
import dev.retention.workflows.ports.CrmNote;
import dev.retention.workflows.ports.CrmTag;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CrmTaskReceipt;
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;

@ExtendWith(PostgresExtension.class)
class CrmActivitiesTest {

  private static final String WORKFLOW_ID = "at-risk-" + ACME.id();
  private static final String RUN_ID = "0b7e2f3a-2222-4c1e-9a53-000000000002";
  private static final Instant DUE = Instant.parse("2026-03-09T09:00:00Z");

  private static JdbcClient jdbc;
  private static CrmTasks tasks;

  private ActivityHarness harness;
  private CrmActivities crm;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    tasks = new CrmTasks(jdbc);
  }

  @BeforeEach
  void setUp() {
    Fixtures.petraWithCustomers(new CustomerDirectory(jdbc));
    harness = new ActivityHarness(new CrmActivitiesImpl(tasks, jdbc));
    crm = harness.stub(CrmActivities.class);
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  void aRetriedTaskIsCreatedOnce() {
    harness.runIds().pin(RUN_ID);

    CrmTaskReceipt first = crm.createTask(callTask(TaskAssignee.CSM));
    CrmTaskReceipt retry = crm.createTask(callTask(TaskAssignee.CSM));

    assertThat(retry).isEqualTo(first);
    assertThat(tasks.forCustomer(ACME.id()))
        .singleElement()
        .satisfies(
            task -> {
              assertThat(task.id()).isEqualTo(first.taskId());
              assertThat(task.workflowId()).isEqualTo(WORKFLOW_ID);
              assertThat(task.step()).isEqualTo("day-7");
              assertThat(task.title()).isEqualTo("Call Acme Analytics");
              assertThat(task.priority()).isEqualTo("HIGH");
              assertThat(task.dueAt()).isEqualTo(DUE);
              assertThat(task.status()).isEqualTo("OPEN");
            });
    assertThat(jdbc.sql("select run_id from crm_tasks").query(String.class).single())
        .isEqualTo(RUN_ID);
  }

  @Test
  void aCsmTaskGoesToTheCsm() {
    CrmTaskReceipt receipt = crm.createTask(callTask(TaskAssignee.CSM));

    assertThat(receipt.assignedTo()).isEqualTo("csm");
    assertThat(tasks.forCustomer(ACME.id()))
        .singleElement()
        .satisfies(
            task -> {
              assertThat(task.assignee()).isEqualTo("CSM");
              assertThat(task.assigneeEmail()).isEqualTo(PETRA.email());
            });
  }

  @Test
  void aManagerTaskGoesToTheCsmsManager() {
    CrmTaskReceipt receipt = crm.createTask(callTask(TaskAssignee.MANAGER));

    assertThat(receipt.assignedTo()).isEqualTo("manager");
    assertThat(tasks.forCustomer(ACME.id()))
        .singleElement()
        .satisfies(
            task -> {
              assertThat(task.assignee()).isEqualTo("MANAGER");
              assertThat(task.assigneeEmail()).isEqualTo(PETRA.managerEmail());
            });
  }

  @Test
  void aTaskForAnUnknownCustomerFailsForGood() {
    CrmTask task =
        new CrmTask(
            WORKFLOW_ID,
            "day-7",
            "c-404",
            TaskAssignee.CSM,
            "Call",
            "Call them.",
            DUE,
            TaskPriority.NORMAL);

    ActivityFailure failure =
        catchThrowableOfType(ActivityFailure.class, () -> crm.createTask(task));

    assertThat(failure.getCause())
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            cause -> {
              assertThat(cause.getType()).isEqualTo(FailureType.UNKNOWN_CUSTOMER.name());
              assertThat(cause.isNonRetryable()).isTrue();
            });
    assertThat(count("crm_tasks")).isZero();
  }

  @Test
  void aRetriedNoteIsAddedOnce() {
    harness.runIds().pin(RUN_ID);
    CrmNote note =
        new CrmNote(
            WORKFLOW_ID, "call-completed", ACME.id(), PETRA.name(), "Plan: weekly check-ins.");

    crm.addNote(note);
    crm.addNote(note);

    assertThat(jdbc.sql("select * from crm_notes").query().listOfRows())
        .singleElement()
        .satisfies(
            row ->
                assertThat(row)
                    .containsEntry("customer_id", ACME.id())
                    .containsEntry("workflow_id", WORKFLOW_ID)
                    .containsEntry("run_id", RUN_ID)
                    .containsEntry("step", "call-completed")
                    .containsEntry("author", PETRA.name())
                    .containsEntry("body", "Plan: weekly check-ins."));
  }

  @Test
  void aTagIsAddedOnceWhoeverAddsItAgain() {
    crm.addTag(new CrmTag(WORKFLOW_ID, ACME.id(), "churning"));
    crm.addTag(new CrmTag(WORKFLOW_ID, ACME.id(), "churning"));
    crm.addTag(new CrmTag("cancellation-save-" + ACME.id(), ACME.id(), "churning"));
    crm.addTag(new CrmTag(WORKFLOW_ID, ACME.id(), "advocate"));

    assertThat(jdbc.sql("select tag, workflow_id from crm_tags order by tag").query().listOfRows())
        .containsExactly(
            Map.of("tag", "advocate", "workflow_id", WORKFLOW_ID),
            Map.of("tag", "churning", "workflow_id", WORKFLOW_ID));
  }

  private static CrmTask callTask(TaskAssignee assignee) {
    return new CrmTask(
        WORKFLOW_ID,
        "day-7",
        ACME.id(),
        assignee,
        "Call Acme Analytics",
        "Phone or video call: understand the blockers and agree an action plan.",
        DUE,
        TaskPriority.HIGH);
  }

  private static long count(String table) {
    return jdbc.sql("select count(*) from " + table).query(Long.class).single();
  }
}
