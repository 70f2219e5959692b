package dev.retention.activities.connectors.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.retention.activities.crm.CrmActivitiesImpl;
import dev.retention.activities.testing.ActivityHarness;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.connections.ConnectionStatus;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.crm.TaskQueue;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.Timeline;
import dev.retention.workflows.ports.CrmActivities;
import dev.retention.workflows.ports.CrmNote;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CrmTaskReceipt;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The HubSpot connector against a local fake of HubSpot's CRM v3 API, stubbed from HubSpot's
 * documented requests and answers, on a real PostgreSQL: a playbook's task written to our tables
 * reaches HubSpot once, through 429s, 5xx, timeouts and a crash between HubSpot's accept and our
 * commit; what cannot be sent is shown to the CSM; properties, the import, company updates and
 * completions in HubSpot.
 */
@ExtendWith(PostgresExtension.class)
class HubSpotSyncTest {

  static final String RUN_ID = "0b7e2f3a-2222-4c1e-9a53-000000000017";
  static final String STEP_KEY = RUN_ID + "/day-7-call-task";
  static final String COMPANY = "9001";
  static final String OWNER = "77";
  static final String TASKS = "/crm/v3/objects/tasks";
  static final String TASK_SEARCH = "/crm/v3/objects/tasks/search";

  static WireMockServer hubspot;
  static JdbcClient jdbc;
  static DataSource dataSource;

  MutableClock clock;
  ActivityHarness harness;
  CrmActivities crm;
  HubSpotOutbox outbox;
  HubSpotHealth health;

  @BeforeAll
  static void start(DataSource ds) {
    dataSource = ds;
    jdbc = JdbcClient.create(ds);
    hubspot = new WireMockServer(options().dynamicPort());
    hubspot.start();
  }

  @AfterAll
  static void stop() {
    hubspot.stop();
  }

  @BeforeEach
  void setUp() {
    hubspot.resetAll();
    // Ahead of the database's clock, so rows it stamps now() are due at once.
    clock =
        new MutableClock(
            Instant.now()
                .plus(Duration.ofHours(1))
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    Fixtures.petraWithCustomers(new CustomerDirectory(jdbc));
    harness = new ActivityHarness(new CrmActivitiesImpl(new CrmTasks(jdbc), jdbc));
    harness.runIds().pin(RUN_ID);
    crm = harness.stub(CrmActivities.class);
    outbox = new HubSpotOutbox(jdbc, clock, new Timeline(jdbc));
    health = new HubSpotHealth();
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  static HubSpotSettings settings(int maxAttempts) {
    return new HubSpotSettings(
        "pat-test",
        null,
        "retention_",
        "secret",
        null,
        true,
        true,
        Duration.ofMinutes(1),
        Duration.ofSeconds(5),
        1000,
        Duration.ofMillis(700),
        maxAttempts,
        Duration.ofSeconds(5),
        "domain");
  }

  HubSpotCrm hubspotCrm(HubSpotSettings settings) {
    return new HubSpotCrm(
        new HubSpotApi(
            "pat-test",
            URI.create("http://localhost:" + hubspot.port()),
            settings.timeout(),
            settings.requestsPerSecond(),
            clock),
        settings);
  }

  HubSpotSender sender(int maxAttempts) {
    HubSpotSettings settings = settings(maxAttempts);
    return new HubSpotSender(hubspotCrm(settings), outbox, health, settings, jdbc, clock);
  }

  void mapAcme() {
    jdbc.sql(
            "insert into hubspot_companies (customer_id, company_id, matched_by)"
                + " values (:c, :co, 'domain')")
        .param("c", ACME.id())
        .param("co", COMPANY)
        .update();
    jdbc.sql("insert into hubspot_owners (csm_id, owner_id) values (:c, :o)")
        .param("c", PETRA.id())
        .param("o", OWNER)
        .update();
  }

  CrmTaskReceipt createTask() {
    return crm.createTask(
        new CrmTask(
            "at-risk-" + ACME.id(),
            "day-7-call-task",
            ACME.id(),
            TaskAssignee.CSM,
            "Call Acme Analytics",
            "Health is falling; call the champion.",
            Instant.parse("2026-03-09T09:00:00Z"),
            TaskPriority.HIGH,
            null));
  }

  static void noTaskFound() {
    hubspot.stubFor(post(TASK_SEARCH).willReturn(okJson("{\"total\":0,\"results\":[]}")));
  }

  static void taskCreated(String id) {
    hubspot.stubFor(
        post(urlPathEqualTo(TASKS))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        """
                        {"id":"%s","properties":{"hs_task_status":"NOT_STARTED"},
                         "createdAt":"2026-03-02T10:00:00Z","archived":false}"""
                            .formatted(id))));
  }

  Map<String, Object> row(String kind) {
    return jdbc.sql("select * from hubspot_outbox where kind = :k")
        .param("k", kind)
        .query()
        .singleRow();
  }

  @Test
  void aTask_becomesOneHubSpotTaskOnTheCompany_forTheCsmsOwner_afterSearchingForItsKey() {
    mapAcme();
    noTaskFound();
    taskCreated("555");

    createTask();
    createTask(); // the activity retried: still one task, one outbox row
    int sent = sender(8).drain();

    assertThat(sent).isEqualTo(1);
    hubspot.verify(
        1,
        postRequestedFor(urlEqualTo(TASK_SEARCH))
            .withRequestBody(
                matchingJsonPath(
                    "$.filterGroups[0].filters[0].propertyName", equalTo("retention_step_key")))
            .withRequestBody(
                matchingJsonPath("$.filterGroups[0].filters[0].value", equalTo(STEP_KEY))));
    hubspot.verify(
        1,
        postRequestedFor(urlEqualTo(TASKS))
            .withHeader("Authorization", equalTo("Bearer pat-test"))
            .withRequestBody(
                matchingJsonPath("$.properties.hs_task_subject", equalTo("Call Acme Analytics")))
            .withRequestBody(
                matchingJsonPath("$.properties.hs_task_status", equalTo("NOT_STARTED")))
            .withRequestBody(matchingJsonPath("$.properties.hs_task_priority", equalTo("HIGH")))
            .withRequestBody(
                matchingJsonPath("$.properties.hs_timestamp", equalTo("2026-03-09T09:00:00Z")))
            .withRequestBody(matchingJsonPath("$.properties.hubspot_owner_id", equalTo(OWNER)))
            .withRequestBody(matchingJsonPath("$.properties.retention_step_key", equalTo(STEP_KEY)))
            .withRequestBody(matchingJsonPath("$.associations[0].to.id", equalTo(COMPANY)))
            .withRequestBody(
                matchingJsonPath(
                    "$.associations[0].types[0].associationCategory", equalTo("HUBSPOT_DEFINED")))
            .withRequestBody(
                matchingJsonPath("$.associations[0].types[0].associationTypeId", equalTo("192"))));
    assertThat(row("TASK")).containsEntry("status", "SENT").containsEntry("hubspot_id", "555");
  }

  @Test
  void aCustomerNotMappedToACompany_queuesNothing() {
    createTask();

    assertThat(jdbc.sql("select count(*) from hubspot_outbox").query(Integer.class).single())
        .isZero();
  }

  @Test
  void aCrashBetweenHubSpotsAcceptAndOurCommit_makesNoSecondTask() {
    mapAcme();
    hubspot.stubFor(
        post(TASK_SEARCH)
            .inScenario("crash")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(okJson("{\"total\":0,\"results\":[]}")));
    hubspot.stubFor(
        post(urlPathEqualTo(TASKS))
            .inScenario("crash")
            .whenScenarioStateIs(Scenario.STARTED)
            .willSetStateTo("created")
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"id\":\"555\"}")));
    hubspot.stubFor(
        post(TASK_SEARCH)
            .inScenario("crash")
            .whenScenarioStateIs("created")
            .willReturn(
                okJson(
                    """
                    {"total":1,"results":[{"id":"555","properties":
                      {"retention_step_key":"%s"}}]}"""
                        .formatted(STEP_KEY))));
    createTask();
    // The process dies after HubSpot answered, before the row is marked sent.
    HubSpotOutbox dying =
        new HubSpotOutbox(jdbc, clock, new Timeline(jdbc)) {
          @Override
          public void sent(Item item, String hubspotId) {
            throw new IllegalStateException("killed between HubSpot's accept and our commit");
          }
        };
    HubSpotSettings settings = settings(8);
    HubSpotSender first =
        new HubSpotSender(hubspotCrm(settings), dying, health, settings, jdbc, clock);
    try {
      first.drain();
    } catch (IllegalStateException expected) {
      // the crash
    }
    assertThat(row("TASK")).containsEntry("status", "PENDING");

    clock.advance(HubSpotOutbox.LEASE.plusSeconds(1)); // the claim's lease runs out
    int sent = sender(8).drain();

    assertThat(sent).isEqualTo(1);
    hubspot.verify(1, postRequestedFor(urlEqualTo(TASKS)));
    hubspot.verify(2, postRequestedFor(urlEqualTo(TASK_SEARCH)));
    assertThat(row("TASK")).containsEntry("status", "SENT").containsEntry("hubspot_id", "555");
  }

  @Test
  void a429_waitsOutRetryAfter_withoutCountingAnAttempt_thenSends() {
    mapAcme();
    hubspot.stubFor(
        post(TASK_SEARCH)
            .inScenario("limit")
            .whenScenarioStateIs(Scenario.STARTED)
            .willSetStateTo("calm")
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "7")
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        """
                        {"status":"error","message":"You have reached your ten_secondly_rolling limit.",
                         "errorType":"RATE_LIMIT","category":"RATE_LIMITS"}""")));
    hubspot.stubFor(
        post(TASK_SEARCH)
            .inScenario("limit")
            .whenScenarioStateIs("calm")
            .willReturn(okJson("{\"total\":0,\"results\":[]}")));
    taskCreated("556");
    createTask();
    Instant start = clock.instant();
    HubSpotSender sender = sender(1);

    assertThat(sender.drain()).isZero();
    Map<String, Object> waiting = row("TASK");
    assertThat(waiting).containsEntry("status", "PENDING").containsEntry("attempts", 0);
    assertThat(((java.sql.Timestamp) waiting.get("next_attempt_at")).toInstant())
        .isEqualTo(start.plusSeconds(7));
    assertThat((String) waiting.get("last_error")).startsWith("HubSpot answered 429");
    assertThat(health.problem().state()).isEqualTo(ConnectionStatus.State.DEGRADED);

    clock.advance(Duration.ofSeconds(6));
    assertThat(sender.drain()).as("not before Retry-After").isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(sender.drain()).isEqualTo(1);

    hubspot.verify(1, postRequestedFor(urlEqualTo(TASKS)));
    assertThat(row("TASK")).containsEntry("status", "SENT").containsEntry("hubspot_id", "556");
    assertThat(health.problem()).isNull();
  }

  @Test
  void a5xx_isRetriedAfterTheBackoff_thenSends() {
    mapAcme();
    hubspot.stubFor(
        post(TASK_SEARCH)
            .inScenario("outage")
            .whenScenarioStateIs(Scenario.STARTED)
            .willSetStateTo("back")
            .willReturn(
                aResponse()
                    .withStatus(502)
                    .withBody("{\"status\":\"error\",\"message\":\"Bad gateway\"}")));
    hubspot.stubFor(
        post(TASK_SEARCH)
            .inScenario("outage")
            .whenScenarioStateIs("back")
            .willReturn(okJson("{\"total\":0,\"results\":[]}")));
    taskCreated("557");
    createTask();
    HubSpotSender sender = sender(3);

    assertThat(sender.drain()).isZero();
    assertThat(row("TASK")).containsEntry("status", "PENDING").containsEntry("attempts", 1);
    assertThat(health.problem().state()).isEqualTo(ConnectionStatus.State.DOWN);
    clock.advance(Duration.ofSeconds(5));
    assertThat(sender.drain()).isEqualTo(1);

    hubspot.verify(1, postRequestedFor(urlEqualTo(TASKS)));
    assertThat(row("TASK")).containsEntry("status", "SENT").containsEntry("hubspot_id", "557");
  }

  @Test
  void whileHubSpotIsDown_theRestOfTheBatchWaits_withoutAnAttempt() {
    mapAcme();
    hubspot.stubFor(post(TASK_SEARCH).willReturn(aResponse().withStatus(503)));
    createTask();
    crm.createTask(
        new CrmTask(
            "at-risk-" + ACME.id(),
            "day-1-urgent-call-task",
            ACME.id(),
            TaskAssignee.CSM,
            "Call Acme Analytics today",
            "Health is critical.",
            Instant.parse("2026-03-03T09:00:00Z"),
            TaskPriority.HIGH,
            null));

    assertThat(sender(8).drain()).isZero();

    hubspot.verify(1, postRequestedFor(urlEqualTo(TASK_SEARCH)));
    assertThat(
            jdbc.sql("select attempts from hubspot_outbox where status = 'PENDING' order by id")
                .query(Integer.class)
                .list())
        .containsExactly(1, 0);
  }

  @Test
  void timeoutsUntilTheLastAttempt_markTheRowFailed_andTellTheCsmOnTheTimeline() {
    mapAcme();
    hubspot.stubFor(
        post(TASK_SEARCH).willReturn(okJson("{\"total\":0,\"results\":[]}").withFixedDelay(2_000)));
    createTask();
    HubSpotSender sender = sender(2);

    assertThat(sender.drain()).isZero();
    assertThat(row("TASK")).containsEntry("status", "PENDING").containsEntry("attempts", 1);
    clock.advance(Duration.ofSeconds(5));
    assertThat(sender.drain()).isZero();

    Map<String, Object> failed = row("TASK");
    assertThat(failed).containsEntry("status", "FAILED").containsEntry("attempts", 2);
    assertThat((String) failed.get("last_error")).startsWith("HubSpot did not answer");
    assertThat(
            jdbc.sql(
                    "select summary from timeline where customer_id = :c and kind = 'HUBSPOT_FAILED'")
                .param("c", ACME.id())
                .query(String.class)
                .list())
        .singleElement()
        .satisfies(
            s -> assertThat(s).startsWith("Not written to HubSpot after 2 attempts: a task"));
    hubspot.verify(0, postRequestedFor(urlEqualTo(TASKS)));
    clock.advance(Duration.ofHours(2));
    assertThat(sender.drain()).as("a failed row is not sent again").isZero();
  }

  @Test
  void aRequestHubSpotRefuses_failsAtOnce_withHubSpotsAnswer() {
    mapAcme();
    noTaskFound();
    hubspot.stubFor(
        post(urlPathEqualTo(TASKS))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        """
                        {"status":"error","message":"Property values were not valid",
                         "category":"VALIDATION_ERROR"}""")));
    createTask();

    assertThat(sender(8).drain()).isZero();

    assertThat(row("TASK"))
        .containsEntry("status", "FAILED")
        .containsEntry(
            "last_error", "HubSpot answered 400: VALIDATION_ERROR: Property values were not valid");
    HubSpotConnection connection =
        new HubSpotConnection(beanOf(hubspotCrm(settings(8))), outbox, new HubSpotHealth(), clock);
    ConnectionStatus status = connection.status();
    assertThat(status.state()).isEqualTo(ConnectionStatus.State.DEGRADED);
    assertThat(status.lastError()).contains("1 change(s) failed for good");
  }

  @Test
  void aNote_becomesANoteOnTheCompany() {
    mapAcme();
    hubspot.stubFor(
        post("/crm/v3/objects/notes/search").willReturn(okJson("{\"total\":0,\"results\":[]}")));
    hubspot.stubFor(
        post(urlPathEqualTo("/crm/v3/objects/notes"))
            .willReturn(aResponse().withStatus(201).withBody("{\"id\":\"801\"}")));

    crm.addNote(
        new CrmNote(
            "at-risk-" + ACME.id(), "day-7-note", ACME.id(), "playbook", "Called: no answer"));
    assertThat(sender(8).drain()).isEqualTo(1);

    hubspot.verify(
        1,
        postRequestedFor(urlEqualTo("/crm/v3/objects/notes"))
            .withRequestBody(
                matchingJsonPath("$.properties.hs_note_body", equalTo("Called: no answer")))
            .withRequestBody(
                matchingJsonPath(
                    "$.properties.retention_step_key", equalTo(RUN_ID + "/note/day-7-note")))
            .withRequestBody(matchingJsonPath("$.associations[0].to.id", equalTo(COMPANY)))
            .withRequestBody(
                matchingJsonPath("$.associations[0].types[0].associationTypeId", equalTo("190"))));
  }

  @Test
  void aNewHealthScore_writesScoreBandTrendAndTheRunningPlaybookToTheCompany() {
    mapAcme();
    hubspot.stubFor(
        patch(urlPathEqualTo("/crm/v3/objects/companies/" + COMPANY))
            .willReturn(okJson("{\"id\":\"9001\"}")));
    jdbc.sql(
            """
            insert into playbook_runs (run_id, workflow_id, playbook, customer_id, csm_id, status,
              stage, started_at)
            values (:r, 'at-risk-c-42', 'at-risk', :c, :csm, 'RUNNING', 'OUTREACH', now())
            """)
        .param("r", RUN_ID)
        .param("c", ACME.id())
        .param("csm", PETRA.id())
        .update();
    jdbc.sql(
            """
            insert into health_scores (customer_id, score, band, trend, usage_score,
              engagement_score, support_score, queries_per_week, features_used, logins_per_week,
              email_open_rate, open_tickets, sentiment, plan_usage)
            values (:c, 38, 'AT_RISK', 'DOWN', 30, 40, 45, 3, 1, 2, 0.2, 4, 'NEGATIVE', 0.1)
            """)
        .param("c", ACME.id())
        .update();
    assertThat(
            jdbc.sql("select count(*) from hubspot_outbox where kind = 'COMPANY'")
                .query(Integer.class)
                .single())
        .as("one pending update per company, however many changes")
        .isEqualTo(1);

    assertThat(sender(8).drain()).isEqualTo(1);

    hubspot.verify(
        1,
        patchRequestedFor(urlEqualTo("/crm/v3/objects/companies/" + COMPANY))
            .withRequestBody(
                equalToJson(
                    """
                    {"properties":{"retention_health_score":"38","retention_health_band":"AT_RISK",
                     "retention_health_trend":"DOWN","retention_running_playbook":"at-risk",
                     "retention_playbook_stage":"OUTREACH"}}""")));
    assertThat(row("COMPANY")).containsEntry("status", "SENT");
  }

  @Test
  void firstConnect_createsTheMissingProperties_matchesOwnersByEmailAndCompaniesByDomain() {
    hubspot.stubFor(
        get(urlPathMatching("/crm/v3/properties/.*"))
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withBody("{\"status\":\"error\",\"message\":\"not found\"}")));
    hubspot.stubFor(
        get(urlPathEqualTo("/crm/v3/properties/companies/retention_health_score"))
            .willReturn(okJson("{\"name\":\"retention_health_score\",\"type\":\"number\"}")));
    hubspot.stubFor(
        post(urlPathMatching("/crm/v3/properties/.*"))
            .willReturn(aResponse().withStatus(201).withBody("{}")));
    hubspot.stubFor(
        get(urlPathEqualTo("/crm/v3/owners"))
            .willReturn(
                okJson(
                    """
                    {"results":[
                      {"id":"77","email":"Petra.Novak@retention.test","firstName":"Petra"},
                      {"id":"78","email":"someone.else@retention.test"}]}""")));
    hubspot.stubFor(
        get(urlPathEqualTo("/crm/v3/objects/companies"))
            .willReturn(
                okJson(
                    """
                    {"results":[
                      {"id":"9001","properties":{"domain":"www.acme.test"}},
                      {"id":"9002","properties":{"domain":"unknown.test"}}],
                     "paging":{"next":{"after":"2"}}}""")));
    hubspot.stubFor(
        get(urlEqualTo("/crm/v3/objects/companies?limit=100&properties=domain&after=2"))
            .willReturn(
                okJson(
                    "{\"results\":[{\"id\":\"9003\",\"properties\":{\"domain\":\"globex.test\"}}]}")));
    HubSpotSettings settings = settings(8);

    HubSpotImport.Report report =
        new HubSpotImport(hubspotCrm(settings), outbox, settings, jdbc).run();

    assertThat(report).isEqualTo(new HubSpotImport.Report(6, 3, 2, 1, 0, 1, 0));
    hubspot.verify(
        1,
        postRequestedFor(urlEqualTo("/crm/v3/properties/companies/groups"))
            .withRequestBody(matchingJsonPath("$.name", equalTo("retention"))));
    hubspot.verify(
        1,
        postRequestedFor(urlEqualTo("/crm/v3/properties/companies"))
            .withRequestBody(matchingJsonPath("$.name", equalTo("retention_health_band")))
            .withRequestBody(matchingJsonPath("$.groupName", equalTo("retention"))));
    hubspot.verify(
        0,
        postRequestedFor(urlEqualTo("/crm/v3/properties/companies"))
            .withRequestBody(matchingJsonPath("$.name", equalTo("retention_health_score"))));
    hubspot.verify(
        1,
        postRequestedFor(urlEqualTo("/crm/v3/properties/tasks"))
            .withRequestBody(matchingJsonPath("$.name", equalTo("retention_step_key"))));
    assertThat(
            jdbc.sql("select customer_id || '=' || company_id from hubspot_companies order by 1")
                .query(String.class)
                .list())
        .containsExactly("c-42=9001", "c-7=9003");
    assertThat(jdbc.sql("select owner_id from hubspot_owners").query(String.class).list())
        .containsExactly("77");
    assertThat(
            jdbc.sql("select count(*) from hubspot_outbox where kind = 'COMPANY'")
                .query(Integer.class)
                .single())
        .isEqualTo(2);
  }

  @Test
  void aTaskCompletedInHubSpot_isFoundByPolling_andCompletesOursOnce() {
    mapAcme();
    noTaskFound();
    taskCreated("555");
    CrmTaskReceipt task = createTask();
    sender(8).drain();
    hubspot.stubFor(
        post(TASK_SEARCH)
            .withRequestBody(
                matchingJsonPath("$.filterGroups[0].filters[1].value", equalTo("COMPLETED")))
            .willReturn(
                okJson(
                    """
                    {"total":1,"results":[{"id":"555","properties":{
                      "retention_step_key":"%s","hs_task_status":"COMPLETED",
                      "hs_lastmodifieddate":"2026-03-03T10:00:00.000Z"}}]}"""
                        .formatted(STEP_KEY))));
    TaskQueue queue = new TaskQueue(jdbc, clock);
    HubSpotCompletions completions = new HubSpotCompletions(outbox, queue);
    HubSpotPoller poller =
        new HubSpotPoller(hubspotCrm(settings(8)), completions, health, jdbc, clock);

    assertThat(poller.poll()).isEqualTo(1);
    assertThat(poller.poll()).as("a repeat changes nothing").isZero();

    TaskQueue.Task done = queue.find(task.taskId()).orElseThrow();
    assertThat(done.status()).isEqualTo(TaskQueue.State.DONE);
    assertThat(done.closedBy()).isEqualTo("hubspot");
    assertThat(done.closeNote()).isEqualTo("Completed in HubSpot");
  }

  @Test
  void testConnection_aRefusedTokenIsUnauthorized_anOutageIsDown_neverAStackTrace() {
    HubSpotCrm hubspotCrm = hubspotCrm(settings(8));
    HubSpotConnection connection = new HubSpotConnection(beanOf(hubspotCrm), outbox, health, clock);
    hubspot.stubFor(
        get(urlPathEqualTo("/crm/v3/objects/companies"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        """
                        {"status":"error","message":"Authentication credentials not found.",
                         "category":"INVALID_AUTHENTICATION"}""")));

    ConnectionStatus refused = connection.test();

    assertThat(refused.state()).isEqualTo(ConnectionStatus.State.UNAUTHORIZED);
    assertThat(refused.lastError())
        .contains("HubSpot refused the token (401)")
        .doesNotContain("pat-test")
        .doesNotContain("Exception");
    hubspot.verify(getRequestedFor(urlEqualTo("/crm/v3/objects/companies?limit=1")));

    hubspot.stubFor(
        get(urlPathEqualTo("/crm/v3/objects/companies")).willReturn(aResponse().withStatus(503)));
    assertThat(connection.test().state()).isEqualTo(ConnectionStatus.State.DOWN);

    hubspot.stubFor(
        get(urlPathEqualTo("/crm/v3/objects/companies")).willReturn(okJson("{\"results\":[]}")));
    ConnectionStatus ok = connection.test();
    assertThat(ok.state()).isEqualTo(ConnectionStatus.State.OK);
    assertThat(ok.lastSync()).isNotNull();

    HubSpotConnection off =
        new HubSpotConnection(
            new StaticListableBeanFactory().getBeanProvider(HubSpotCrm.class),
            outbox,
            health,
            clock);
    assertThat(off.test().state()).isEqualTo(ConnectionStatus.State.NOT_CONFIGURED);
    assertThat(
            hubspot.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl())))
        .hasSize(3);
  }

  static org.springframework.beans.factory.ObjectProvider<HubSpotCrm> beanOf(HubSpotCrm crm) {
    return new StaticListableBeanFactory(Map.of("hubSpotCrm", crm))
        .getBeanProvider(HubSpotCrm.class);
  }
}
