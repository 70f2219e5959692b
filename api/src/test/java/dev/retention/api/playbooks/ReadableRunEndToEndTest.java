package dev.retention.api.playbooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.codec.AesGcmPayloadCodec;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.api.support.WithSkippedClock;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.sdk.v1.UserMetadata;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * An at-risk run started through the API reads as its playbook in the Temporal UI and CLI: the
 * static summary and details name the playbook, the customer id and the trigger; the current
 * details say the stage and the next step; the timers and activities are named after the steps
 * ({@code day-3-email}); and none of it holds the customer's name or email address, encrypted or
 * not. The summaries are payloads, encrypted by the codec like every other. Runs against the
 * embedded runtime, or a real Temporal server when TEMPORAL_ADDRESS is set (see .ci/run).
 */
class ReadableRunEndToEndTest extends WithSkippedClock {

  @LocalServerPort int port;
  @Autowired WorkflowClient client;

  @Test
  void atRiskRun_isNamedAfterItsSteps_withoutPersonalData() {
    HttpApi api = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String name = "Quillfeather Dynamics " + suffix;
    String email = "ops-" + suffix + "@quillfeather.example";
    String customer = newCustomer(api, suffix, name, email);

    Response started =
        api.post(
            "/api/playbooks",
            """
            {"playbook":"at-risk","customerId":"%s","reason":"%s asked us to"}"""
                .formatted(customer, name));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    String workflowId = "at-risk-" + customer;
    // Day 3 is 4 s in on a two-second day (Temporal's clock skipped on the embedded runtime);
    // then the run waits for day 7.
    clock()
        .passUntil(
            api,
            "/api/playbooks/" + workflowId,
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            r -> "day-7-call-task".equals(r.body().path("nextStep").path("step").asText()));

    DataConverter converter = client.getOptions().getDataConverter();
    // The state names the next step as the run turns to it; its ledger write and timer follow.
    List<HistoryEvent> history = awaitTimers(workflowId, 2);
    List<Payload> metadata = new ArrayList<>();

    UserMetadata start = describedMetadata(workflowId);
    metadata.add(start.getSummary());
    metadata.add(start.getDetails());
    String summary = text(converter, start.getSummary());
    String details = text(converter, start.getDetails());
    assertThat(summary).isEqualTo("at-risk for " + customer + ": by hand");
    assertThat(details)
        .contains("- playbook: at-risk", "- customer: " + customer, "- trigger: by hand");

    List<Payload> timers = summaries(history, EventType.EVENT_TYPE_TIMER_STARTED, metadata);
    assertThat(timers.stream().map(t -> text(converter, t)))
        .containsSubsequence("day-3-email", "day-7-call-task");
    List<Payload> activities =
        summaries(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, metadata);
    assertThat(activities.stream().map(a -> text(converter, a)))
        .containsSubsequence("day-1-email", "day-3-email");
    // The ledger's writes are local activities: markers, named as the activities were. The
    // "started" entry goes with the first step's write.
    List<Payload> writes = summaries(history, EventType.EVENT_TYPE_MARKER_RECORDED, metadata);
    assertThat(writes.stream().map(a -> text(converter, a)))
        .containsSubsequence(
            "ledger: started, day-1-email; next day-3-email",
            "ledger: day-3-email; next day-7-call-task");

    WorkflowMetadata live =
        client
            .newUntypedWorkflowStub(workflowId)
            .query("__temporal_workflow_metadata", WorkflowMetadata.class);
    assertThat(live.getCurrentDetails())
        .contains("- stage: OUTREACH", "- next: day-7-call-task at ");

    // Every summary is a payload the codec encrypted; neither it nor its plain text names the
    // customer (the reason typed by hand held the name: it is not shown).
    assertThat(metadata).isNotEmpty();
    assertThat(metadata).allSatisfy(p -> assertThat(AesGcmPayloadCodec.isEncrypted(p)).isTrue());
    List<String> everything = new ArrayList<>(List.of(summary, details, live.getCurrentDetails()));
    metadata.forEach(p -> everything.add(p.toByteString().toString(StandardCharsets.ISO_8859_1)));
    metadata.forEach(p -> everything.add(text(converter, p)));
    assertThat(everything)
        .allSatisfy(t -> assertThat(t).doesNotContain(name, email, "Quillfeather"));
  }

  private List<HistoryEvent> awaitTimers(String workflowId, int timers) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      List<HistoryEvent> history = client.fetchHistory(workflowId).getEvents();
      long started =
          history.stream()
              .filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
              .count();
      if (started >= timers || System.nanoTime() > deadline) {
        return history;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** The static summary and details, as {@code temporal workflow describe} reads them. */
  private UserMetadata describedMetadata(String workflowId) {
    return client
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build())
        .getExecutionConfig()
        .getUserMetadata();
  }

  /** The summary payloads of the events of {@code type}; each is also added to {@code all}. */
  private static List<Payload> summaries(
      List<HistoryEvent> history, EventType type, List<Payload> all) {
    List<Payload> summaries = new ArrayList<>();
    for (HistoryEvent event : history) {
      if (event.getEventType() == type
          && (type != EventType.EVENT_TYPE_MARKER_RECORDED
              || "LocalActivity"
                  .equals(event.getMarkerRecordedEventAttributes().getMarkerName()))) {
        assertThat(event.getUserMetadata().hasSummary()).as(event.toString()).isTrue();
        summaries.add(event.getUserMetadata().getSummary());
      }
    }
    all.addAll(summaries);
    return summaries;
  }

  private static String text(DataConverter converter, Payload payload) {
    return converter.fromPayload(payload, String.class, String.class);
  }

  private static String newCustomer(HttpApi api, String suffix, String name, String email) {
    String csm = "csm-ui-" + suffix;
    String customer = "ui-" + suffix;
    Response csmPut =
        api.put(
            "/api/csms/" + csm,
            """
            {"name":"Petra de Vries","email":"petra@example.com","managerEmail":"lena@example.com"}""");
    assertThat(csmPut.status()).as(csmPut.toString()).isIn(200, 201);
    Response created =
        api.put(
            "/api/customers/" + customer,
            """
            {"name":"%s","email":"%s","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(name, email, csm));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return customer;
  }
}
