package dev.retention.activities.connectors.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.retention.activities.email.AlertListener;
import dev.retention.activities.email.EmailActivitiesImpl;
import dev.retention.activities.email.consent.UnsubscribeLinks;
import dev.retention.activities.email.providers.LogEmailProvider;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.email.templates.EmailVariables;
import dev.retention.activities.testing.ActivityHarness;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.MutableClock;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.connections.ConnectionStatus;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.email.Communications;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CsmAlert;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TaskPriority;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The Slack outbox and its sender against a local fake of Slack's Web API, answering as Slack's
 * method documentation shows (auth.test, users.lookupByEmail with users_not_found, users.info with
 * the locale, chat.postMessage with 429 ratelimited and Retry-After, ok:false errors), on real
 * PostgreSQL, with the sender's clock moved by hand.
 */
@ExtendWith(PostgresExtension.class)
class SlackSenderTest {

  /** Now: the outbox rows are due from the database's now. */
  private Instant t0;

  private static final String TOKEN = "xoxb-test-token";
  private static final String BASE = "https://retention.example";
  private static final String PETRA_SLACK = "W012A3CDE";

  private JdbcClient jdbc;
  private DataSource dataSource;
  private WireMockServer slack;
  private MutableClock clock;
  private SlackOutbox outbox;
  private CrmTasks tasks;
  private SlackClient client;

  @BeforeEach
  void setUp(DataSource dataSource) {
    this.dataSource = dataSource;
    jdbc = JdbcClient.create(dataSource);
    Fixtures.petraWithCustomers(new CustomerDirectory(jdbc));
    slack = new WireMockServer(options().dynamicPort());
    slack.start();
    // A minute ahead of the database's now, which stamps the rows due.
    t0 = Instant.now().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    clock = new MutableClock(t0);
    outbox =
        new SlackOutbox(
            jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
    tasks = new CrmTasks(jdbc, "exec@retention.test", List.of(new SlackListeners(outbox)));
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    slack.stop();
  }

  private SlackSettings settings(String channel, int maxAttempts) {
    return new SlackSettings(
        TOKEN,
        "signing-secret",
        channel,
        true,
        slack.baseUrl() + "/api/",
        true,
        "en",
        null,
        maxAttempts,
        Duration.ofSeconds(10),
        Duration.ofMinutes(5),
        null,
        Duration.ofSeconds(5));
  }

  private SlackSender sender(SlackSettings settings) {
    client = new SlackClient(settings);
    return new SlackSender(settings, client, outbox, jdbc, clock, BASE);
  }

  private long urgentTask(String step, TaskPriority priority) {
    return tasks.create(
        new CrmTask(
            "at-risk-c-42",
            step,
            ACME.id(),
            TaskAssignee.CSM,
            "Critical health (31): call within 24 hours",
            "Call the customer.",
            t0.plus(Duration.ofHours(24)),
            priority),
        "run-1");
  }

  private void petraIsInSlack(String locale) {
    slack.stubFor(
        post("/api/users.lookupByEmail")
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withRequestBody(equalTo("email=" + URLEncoderHelper.encode(PETRA.email())))
            .willReturn(
                okJson(
                    """
                    {"ok":true,"user":{"id":"%s","team_id":"T012AB3C4","name":"petra",
                     "deleted":false,"real_name":"Petra Novak","tz":"Europe/Prague",
                     "is_bot":false,"profile":{"email":"%s"}}}"""
                        .formatted(PETRA_SLACK, PETRA.email()))));
    slack.stubFor(
        post("/api/users.info")
            .willReturn(
                okJson(
                    """
                    {"ok":true,"user":{"id":"%s","deleted":false,"locale":"%s",
                     "profile":{"email":"%s"}}}"""
                        .formatted(PETRA_SLACK, locale, PETRA.email()))));
  }

  private void postMessageAnswers(String json) {
    slack.stubFor(post("/api/chat.postMessage").willReturn(okJson(json)));
  }

  private static final String POSTED =
      """
      {"ok":true,"channel":"D024BE91L","ts":"1503435956.000247",
       "message":{"type":"message","text":"Urgent task","ts":"1503435956.000247"}}""";

  private List<String> postedBodies() {
    return slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).stream()
        .map(LoggedRequest::getBodyAsString)
        .map(b -> URLDecoder.decode(b, StandardCharsets.UTF_8))
        .toList();
  }

  private String status(long taskId) {
    return outbox.status("task:" + taskId).orElseThrow();
  }

  @Test
  void anUrgentTask_isOneDirectMessageToTheCsm_inTheirLanguage_withAConsoleLink() {
    petraIsInSlack("nl-NL");
    postMessageAnswers(POSTED);
    SlackSender sender = sender(settings(null, 5));

    long id = urgentTask("day-1-urgent-call-task", TaskPriority.URGENT);
    // The step retried: the same task, no second message.
    assertThat(urgentTask("day-1-urgent-call-task", TaskPriority.URGENT)).isEqualTo(id);
    // A normal task for the CSM is no Slack news.
    urgentTask("some-normal-task", TaskPriority.NORMAL);

    assertThat(sender.drainOnce()).isEqualTo(1);
    assertThat(sender.drainOnce()).isZero();

    List<String> posted = postedBodies();
    assertThat(posted).hasSize(1);
    assertThat(posted.getFirst())
        .contains("channel=" + PETRA_SLACK)
        .contains("Dringende taak voor Acme Analytics")
        .contains(BASE + "/console/runs/at-risk-c-42?lang=nl")
        .contains("\"action_id\":\"complete\"", "\"value\":\"" + id + "\"");
    assertThat(status(id)).isEqualTo("SENT");
    assertThat(
            jdbc.sql("select channel from slack_outbox where task_id = :id")
                .param("id", id)
                .query(String.class)
                .single())
        .isEqualTo("D024BE91L");
  }

  @Test
  void a429_pausesForItsRetryAfter_withoutCountingTheAttempt() {
    petraIsInSlack("en-US");
    slack.stubFor(
        post("/api/chat.postMessage")
            .inScenario("rate")
            .whenScenarioStateIs(STARTED)
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "30")
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"ok\":false,\"error\":\"ratelimited\"}"))
            .willSetStateTo("calm"));
    slack.stubFor(
        post("/api/chat.postMessage")
            .inScenario("rate")
            .whenScenarioStateIs("calm")
            .willReturn(okJson(POSTED)));
    SlackSender sender = sender(settings(null, 1));
    long id = urgentTask("day-1-urgent-call-task", TaskPriority.URGENT);

    assertThat(sender.drainOnce()).isZero();
    assertThat(status(id)).isEqualTo("PENDING");
    clock.advance(Duration.ofSeconds(29));
    assertThat(sender.drainOnce()).isZero();
    assertThat(postedBodies()).hasSize(1);

    clock.advance(Duration.ofSeconds(2));
    // One attempt allowed, and the 429 did not use it up.
    assertThat(sender.drainOnce()).isEqualTo(1);
    assertThat(status(id)).isEqualTo("SENT");
    assertThat(postedBodies()).hasSize(2);
  }

  @Test
  void someoneSlackDoesNotKnow_isPostedToTheTeamChannel_orFailsWithTheReasonWithoutOne() {
    slack.stubFor(
        post("/api/users.lookupByEmail")
            .willReturn(okJson("{\"ok\":false,\"error\":\"users_not_found\"}")));
    postMessageAnswers(POSTED);
    SlackSender withChannel = sender(settings("C0CSTEAM", 5));
    long id = urgentTask("day-1-urgent-call-task", TaskPriority.URGENT);

    assertThat(withChannel.drainOnce()).isEqualTo(1);
    assertThat(status(id)).isEqualTo("SENT");
    assertThat(postedBodies().getFirst())
        .contains("channel=C0CSTEAM")
        .contains("Urgent task for Acme Analytics")
        .contains("for Petra Novak")
        .contains(BASE + "/console/runs/at-risk-c-42")
        .doesNotContain("lang=nl");

    client.close();
    SlackSender without = sender(settings(null, 5));
    long other = urgentTask("day-7-call-task", TaskPriority.HIGH);
    without.drainOnce();
    assertThat(status(other)).isEqualTo("FAILED");
    assertThat(lastError(other)).contains("users_not_found", "retention.slack.channel");
  }

  @Test
  void anOutage_isRetriedWithBackoff_andTheMessageArrivesWhenSlackIsBack() {
    petraIsInSlack("en-GB");
    slack.stubFor(
        post("/api/chat.postMessage")
            .inScenario("outage")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(503).withBody("upstream connect error"))
            .willSetStateTo("still down"));
    slack.stubFor(
        post("/api/chat.postMessage")
            .inScenario("outage")
            .whenScenarioStateIs("still down")
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("back"));
    slack.stubFor(
        post("/api/chat.postMessage")
            .inScenario("outage")
            .whenScenarioStateIs("back")
            .willReturn(okJson(POSTED)));
    SlackSender sender = sender(settings(null, 5));
    SlackConnection connection = new SlackConnection(settings(null, 5), client, outbox, clock);
    long id = urgentTask("day-1-urgent-call-task", TaskPriority.URGENT);

    assertThat(sender.drainOnce()).isZero();
    assertThat(lastError(id)).isEqualTo("chat.postMessage: HTTP 503");
    assertThat(connection.status().state()).isEqualTo(ConnectionStatus.State.DEGRADED);
    // Not before the backoff (10 s, then 20 s).
    clock.advance(Duration.ofSeconds(9));
    assertThat(sender.drainOnce()).isZero();
    assertThat(postedBodies()).hasSize(1);
    clock.advance(Duration.ofSeconds(2));
    assertThat(sender.drainOnce()).isZero();
    clock.advance(Duration.ofSeconds(21));
    assertThat(sender.drainOnce()).isEqualTo(1);

    assertThat(status(id)).isEqualTo("SENT");
    assertThat(postedBodies()).hasSize(3);
    ConnectionStatus ok = connection.status();
    assertThat(ok.state()).isEqualTo(ConnectionStatus.State.OK);
    assertThat(ok.lastSync()).isEqualTo(clock.instant());
  }

  @Test
  void afterTheLastAttempt_orWhenSlackRefusesTheMessage_theRowFails_withTheLastError() {
    petraIsInSlack("en-US");
    slack.stubFor(post("/api/chat.postMessage").willReturn(aResponse().withStatus(500)));
    SlackSender sender = sender(settings(null, 2));
    SlackConnection connection = new SlackConnection(settings(null, 2), client, outbox, clock);
    long id = urgentTask("day-1-urgent-call-task", TaskPriority.URGENT);

    sender.drainOnce();
    clock.advance(Duration.ofSeconds(11));
    sender.drainOnce();
    assertThat(status(id)).isEqualTo("FAILED");
    assertThat(lastError(id)).isEqualTo("chat.postMessage: HTTP 500");
    clock.advance(Duration.ofHours(1));
    sender.drainOnce();
    assertThat(postedBodies()).hasSize(2);
    ConnectionStatus failed = connection.status();
    assertThat(failed.state()).isEqualTo(ConnectionStatus.State.DEGRADED);
    assertThat(failed.lastError()).isEqualTo("chat.postMessage: HTTP 500");
    assertThat(failed.detail()).contains("1 failed");

    slack.resetMappings();
    petraIsInSlack("en-US");
    postMessageAnswers("{\"ok\":false,\"error\":\"invalid_blocks\"}");
    long refused = urgentTask("day-7-call-task", TaskPriority.HIGH);
    sender.drainOnce();
    assertThat(status(refused)).isEqualTo("FAILED");
    assertThat(lastError(refused)).isEqualTo("chat.postMessage: invalid_blocks");
  }

  @Test
  void escalationsAlertsAndOverdueTasks_areMessagesToo_eachOnce() {
    tasks.create(
        new CrmTask(
            "nps-follow-up-c-42",
            "outreach-sla-escalation",
            ACME.id(),
            TaskAssignee.MANAGER,
            "NPS detractor not contacted within 24 hours",
            "Score 3.",
            t0.plus(Duration.ofHours(4)),
            TaskPriority.URGENT),
        "run-2");
    outbox.alertClaimed("nps-follow-up-c-42", "run-2", "csm-alert", ACME.id(), PETRA.email());
    outbox.alertClaimed("nps-follow-up-c-42", "run-2", "csm-alert", ACME.id(), PETRA.email());
    long overdue = urgentTask("day-1-urgent-call-task", TaskPriority.URGENT);

    assertThat(kinds()).containsExactly("SLA_BREACHED", "ALERT", "URGENT_TASK");

    clock.advance(Duration.ofHours(25));
    assertThat(outbox.addOverdue(clock.instant(), Duration.ofDays(1))).isEqualTo(2);
    assertThat(outbox.addOverdue(clock.instant(), Duration.ofDays(1))).isZero();
    assertThat(outbox.status("overdue:" + overdue)).contains("PENDING");
    assertThat(kinds()).hasSize(5);
  }

  @Test
  void theConnection_saysWhetherTheTokenWorks() {
    SlackSettings settings = settings(null, 5);
    client = new SlackClient(settings);
    SlackConnection connection = new SlackConnection(settings, client, outbox, clock);
    slack.stubFor(
        post("/api/auth.test").willReturn(okJson("{\"ok\":false,\"error\":\"invalid_auth\"}")));
    ConnectionStatus refused = connection.test();
    assertThat(refused.state()).isEqualTo(ConnectionStatus.State.UNAUTHORIZED);
    assertThat(refused.lastError()).contains("invalid_auth", "retention.slack.token");
    assertThat(connection.status().state()).isEqualTo(ConnectionStatus.State.UNAUTHORIZED);

    slack.stubFor(post("/api/auth.test").willReturn(aResponse().withStatus(502)));
    assertThat(connection.test().state()).isEqualTo(ConnectionStatus.State.DOWN);

    slack.stubFor(
        post("/api/auth.test")
            .willReturn(
                okJson(
                    """
                    {"ok":true,"url":"https://acme.slack.com/","team":"Acme CS",
                     "user":"retention","team_id":"T12345678","user_id":"W12345678",
                     "bot_id":"B12345678","is_enterprise_install":false}""")));
    ConnectionStatus ok = connection.test();
    assertThat(ok.state()).isEqualTo(ConnectionStatus.State.OK);
    assertThat(ok.detail()).contains("Acme CS", "direct messages");
    assertThat(connection.status().state()).isEqualTo(ConnectionStatus.State.OK);

    SlackConnection off = new SlackConnection(SlackSettings.off(), null, null, clock);
    assertThat(off.status().state()).isEqualTo(ConnectionStatus.State.NOT_CONFIGURED);
    assertThat(off.test().state()).isEqualTo(ConnectionStatus.State.NOT_CONFIGURED);
  }

  @Test
  void anAlertStep_isOneMessage_evenWhenTheStepIsRetried_andACustomerEmailIsNone() {
    petraIsInSlack("en-US");
    postMessageAnswers(POSTED);
    SlackSender sender = sender(settings(null, 5));
    EmailActivitiesImpl impl =
        new EmailActivitiesImpl(
            new CustomerDirectory(jdbc),
            new Communications(jdbc),
            new EmailTemplates(),
            new LogEmailProvider(),
            clock,
            new EmailVariables("Insightly"),
            tasks,
            Fixtures.cancellations(dataSource),
            new UnsubscribeLinks("unsubscribe-secret-for-the-slack-test-0123", BASE),
            List.<AlertListener>of(new SlackListeners(outbox)));
    try (ActivityHarness harness = new ActivityHarness(impl)) {
      EmailActivities emails = harness.stub(EmailActivities.class);
      harness.runIds().pin("run-alert");
      CsmAlert alert =
          new CsmAlert(
              "nps-follow-up-c-42",
              "csm-alert",
              "nps-follow-up",
              "nps-follow-up/detractor-alert",
              ACME.id(),
              TaskAssignee.CSM,
              Map.of("nps.score", "3", "nps.comment", "slow"));
      emails.sendCsmAlert(alert);
      emails.sendCsmAlert(alert);
      emails.sendCustomerEmail(
          new CustomerEmail(
              "at-risk-c-42", "day-1-email", "at-risk", "at-risk/day-1", ACME.id(), Map.of()));
    }

    assertThat(kinds()).containsExactly("ALERT");
    assertThat(sender.drainOnce()).isEqualTo(1);
    String subject =
        jdbc.sql("select subject from communications where step = 'csm-alert'")
            .query(String.class)
            .single();
    assertThat(postedBodies())
        .singleElement()
        .asString()
        .contains("channel=" + PETRA_SLACK)
        .contains("Alert about Acme Analytics")
        .contains(subject)
        .contains(BASE + "/console/runs/nps-follow-up-c-42")
        .doesNotContain("action_id");
  }

  private List<String> kinds() {
    return jdbc.sql("select kind from slack_outbox order by id").query(String.class).list();
  }

  private String lastError(long taskId) {
    return jdbc.sql("select last_error from slack_outbox where message_key = :k")
        .param("k", "task:" + taskId)
        .query(String.class)
        .single();
  }

  /** Form encoding as Slack's client sends it. */
  private static final class URLEncoderHelper {
    static String encode(String value) {
      return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
  }
}
