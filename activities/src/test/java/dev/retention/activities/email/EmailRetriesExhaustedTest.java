package dev.retention.activities.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.retention.activities.testing.Fixtures.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.retention.activities.crm.CrmActivitiesImpl;
import dev.retention.activities.email.providers.SendGridEmailProvider;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.ledger.LedgerActivitiesImpl;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.crm.TaskQueue;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.email.Communications;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.data.ledger.RunRecords;
import dev.retention.data.ledger.Timeline;
import dev.retention.workflows.atrisk.AtRiskInput;
import dev.retention.workflows.atrisk.AtRiskPlaybook;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.RunSearchAttributes;
import dev.retention.workflows.contract.StepResult;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A provider that answers 500 to every attempt, through the whole email retry policy: a real
 * at-risk run on the time-skipping test server, with the real email, CRM and ledger activities on
 * PostgreSQL and the real SendGrid client against a local fake. The step ends FAILED everywhere: in
 * the run, in the communications table (never PENDING), and the CSM gets a task.
 */
@ExtendWith(PostgresExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmailRetriesExhaustedTest {

  private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

  private JdbcClient jdbc;
  private WireMockServer sendGrid;
  private TestWorkflowEnvironment env;

  @BeforeEach
  void setUp(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    CustomerDirectory directory = new CustomerDirectory(jdbc);
    Fixtures.petraWithCustomers(directory);
    sendGrid = new WireMockServer(options().dynamicPort());
    sendGrid.start();
    sendGrid.stubFor(
        post("/v3/mail/send")
            .willReturn(aResponse().withStatus(500).withBody("{\"errors\":[\"down\"]}")));

    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setInitialTime(T0)
                .registerSearchAttribute(
                    RunSearchAttributes.PLAYBOOK.getName(),
                    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                .registerSearchAttribute(
                    RunSearchAttributes.CUSTOMER_ID.getName(),
                    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                .registerSearchAttribute(
                    RunSearchAttributes.CSM_ID.getName(),
                    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                .registerSearchAttribute(
                    RunSearchAttributes.STAGE.getName(),
                    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                .build());
    Worker worker = env.newWorker("playbooks");
    worker.registerWorkflowImplementationTypes(AtRiskPlaybookImpl.class);
    CrmTasks tasks = new CrmTasks(jdbc);
    RunCancellations cancellations = Fixtures.cancellations(dataSource);
    worker.registerActivitiesImplementations(
        new EmailActivitiesImpl(
            directory,
            new Communications(jdbc),
            new EmailTemplates(),
            new SendGridEmailProvider(
                "SG.test",
                URI.create(sendGrid.baseUrl()),
                Duration.ofSeconds(5),
                Clock.systemUTC()),
            new MutableClock(T0),
            "Insightly",
            tasks,
            cancellations),
        new CrmActivitiesImpl(tasks, jdbc),
        new LedgerActivitiesImpl(
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            new RunRecords(jdbc),
            new Timeline(jdbc),
            new TaskQueue(jdbc, Clock.systemUTC()),
            cancellations));
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
    sendGrid.stop();
  }

  @Test
  void providerFailingEveryAttempt_marksTheRowFailed_andGivesTheCsmATask() {
    String workflowId = Playbook.AT_RISK.workflowId(ACME.id());
    AtRiskPlaybook run =
        env.getWorkflowClient()
            .newWorkflowStub(
                AtRiskPlaybook.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(workflowId)
                    .setTaskQueue("playbooks")
                    .setTypedSearchAttributes(
                        SearchAttributes.newBuilder()
                            .set(RunSearchAttributes.PLAYBOOK, Playbook.AT_RISK.id())
                            .set(RunSearchAttributes.CUSTOMER_ID, ACME.id())
                            .set(RunSearchAttributes.CSM_ID, ACME.csmId())
                            .build())
                    .build());
    WorkflowClient.start(
        run::run,
        new AtRiskInput(
            new PlaybookContext(ACME.id(), ACME.csmId(), Cadence.REAL_DAYS), 50, "test"));

    // The retry policy's backoff (2 s doubling, 6 attempts) passes in skipped time.
    env.sleep(Duration.ofMinutes(5));
    PlaybookState state = awaitStep(run, "day-1-email-failed");

    sendGrid.verify(6, postRequestedFor(urlEqualTo("/v3/mail/send")));
    assertThat(state.steps())
        .filteredOn(s -> s.step().equals("day-1-email"))
        .singleElement()
        .satisfies(s -> assertThat(s.result()).isEqualTo(StepResult.FAILED));
    Map<String, Object> row =
        jdbc.sql("select status, detail from communications where workflow_id = :w")
            .param("w", workflowId)
            .query()
            .singleRow();
    assertThat(row.get("status")).isEqualTo(Communications.FAILED);
    assertThat((String) row.get("detail")).contains("500");
    List<String> taskSteps =
        jdbc.sql("select step from crm_tasks where workflow_id = :w")
            .param("w", workflowId)
            .query(String.class)
            .list();
    assertThat(taskSteps).containsExactly("day-1-email-failed");
    WorkflowStub.fromTyped(run).terminate("test done");
  }

  private static PlaybookState awaitStep(AtRiskPlaybook run, String step) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    PlaybookState state = run.state();
    while (state.steps().stream().noneMatch(s -> s.step().equals(step))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the run never took step " + step + "; last: " + state);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      state = run.state();
    }
    return state;
  }
}
