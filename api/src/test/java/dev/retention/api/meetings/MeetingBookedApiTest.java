package dev.retention.api.meetings;

import static dev.retention.api.support.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.AtRiskRuns;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.api.support.WithSkippedClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code POST /api/events/meeting-booked}: a booked meeting stops the automation like a reply. */
class MeetingBookedApiTest extends WithSkippedClock {

  @LocalServerPort int port;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  @Test
  void aBookedMeeting_handsTheAtRiskRunToTheCsm_andNoMoreEmailsGoOut() {
    String customer = MeetingRuns.newCustomer(api, "meet").id();
    AtRiskRuns.start(api, customer);

    Response booked =
        api.post(
            "/api/events/meeting-booked",
            """
            {"customerId":"%s","source":"hubspot-meetings"}"""
                .formatted(customer));

    assertThat(booked.status()).as(booked.toString()).isEqualTo(202);
    assertThat(booked.body().path("workflowIds").toString()).contains("at-risk-" + customer);
    Response run = MeetingRuns.awaitHandedOver(api, customer);
    assertThat(run.body().path("customerResponded").asBoolean()).isTrue();
    MeetingRuns.awaitHandOverTask(api, customer);
    assertThat(MeetingRuns.timeline(api, customer, "Meeting booked"))
        .containsExactly("Meeting booked via hubspot-meetings; automated emails stopped");
    AtRiskRuns.passDayThree(clock(), api, customer);
    assertThat(MeetingRuns.emailSteps(api, customer)).containsExactly("day-1-email");
  }

  @Test
  void aBookedMeetingWithoutRuns_touchesNoRun_andIsOnTheTimeline() {
    String customer = MeetingRuns.newCustomer(api, "meetidle").id();

    Response booked =
        api.post(
            "/api/events/meeting-booked",
            """
            {"customerId":"%s"}"""
                .formatted(customer));

    assertThat(booked.status()).isEqualTo(202);
    assertThat(booked.body().path("workflowIds").size()).isZero();
    assertThat(MeetingRuns.timeline(api, customer, "Meeting booked"))
        .containsExactly("Meeting booked");
  }

  @Test
  void badInput_isAProblemNamingTheField_andChangesNothing() {
    String customer = MeetingRuns.newCustomer(api, "meetbad").id();
    String path = "/api/events/meeting-booked";
    assertProblem(
        api.post(path, "{\"customerId\":\"%s\",\"source\":\"Calendly!\"}".formatted(customer)),
        400,
        "source",
        "lowercase");
    assertProblem(
        api.post(path, "{\"customerId\":\"%s\",\"source\":\"\"}".formatted(customer)),
        400,
        "source",
        "source");
    assertProblem(
        api.post(path, "{\"customerId\":\"%s\",\"source\":7}".formatted(customer)),
        400,
        "source",
        "source");
    assertProblem(api.post(path, "{}"), 400, "customerId", "customerId");
    assertProblem(api.post(path, "{\"customerId\":\"c-ghost\"}"), 404, null, "c-ghost");
    assertThat(MeetingRuns.timeline(api, customer, "Meeting booked")).isEmpty();
  }
}
