package dev.retention.data.privacy;

import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.privacy.PrivacyActivitiesImpl;
import dev.retention.activities.testing.Fixtures;
import dev.retention.activities.testing.PostgresExtension;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.email.Communications;
import dev.retention.data.ledger.Timeline;
import dev.retention.workflows.ports.PurgeReport;
import dev.retention.workflows.ports.PurgeRequest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;

@ExtendWith(PostgresExtension.class)
class PersonalDataTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  private static JdbcClient jdbc;
  private static PersonalData personalData;
  private static Communications communications;

  @BeforeAll
  static void wire(DataSource dataSource) {
    jdbc = JdbcClient.create(dataSource);
    personalData = new PersonalData(jdbc, new Timeline(jdbc));
    communications = new Communications(jdbc);
  }

  @BeforeEach
  void setUp() {
    Fixtures.petraWithCustomers(new CustomerDirectory(jdbc));
  }

  private void email(String customerId, String to, Instant at) {
    jdbc.sql(
            """
            insert into communications (workflow_id, run_id, step, customer_id, template, subject,
              to_address, from_name, from_address, reply_to, body_text, status, provider, created_at)
            values ('w', :run, 'day-1-email', :c, 'at-risk/day-1', 'Hello Globex', :to, 'Petra',
              'petra@example.com', 'petra@example.com', 'Dear Globex team, ...', 'SENT', 'log', :at)
            """)
        .param("run", "run-" + customerId + "-" + at.toEpochMilli())
        .param("c", customerId)
        .param("to", to)
        .param("at", Timestamp.from(at))
        .update();
  }

  private void timeline(String customerId, Instant at, String summary) {
    jdbc.sql("insert into timeline (customer_id, at, kind, summary) values (:c, :at, 'NOTE', :s)")
        .param("c", customerId)
        .param("at", Timestamp.from(at))
        .param("s", summary)
        .update();
  }

  @Test
  void erase_anonymisesTheCustomer_andKeepsOnlyAHashOnTheSuppressionList() {
    email(GLOBEX.id(), GLOBEX.email(), NOW.minus(Duration.ofDays(1)));
    email(ACME.id(), ACME.email(), NOW.minus(Duration.ofDays(1)));
    timeline(GLOBEX.id(), NOW, "NPS 3: Dashboards are too slow, says Globex");
    jdbc.sql(
            "insert into nps_responses (customer_id, score, comment, category) values (:c, 3,"
                + " 'slow dashboards', 'DETRACTOR')")
        .param("c", GLOBEX.id())
        .update();
    communications.suppress(GLOBEX.email(), "UNSUBSCRIBED");

    var erasure = personalData.erase(GLOBEX.id()).orElseThrow();

    assertThat(erasure.rows()).containsEntry("communications", 1).containsEntry("customers", 1);
    String all =
        String.join(
            "|",
            jdbc.sql(
                    """
                    select concat_ws('|', c.name, c.email,
                      (select string_agg(concat_ws('|', subject, body_text, to_address), '|')
                         from communications where customer_id = c.id),
                      (select string_agg(summary, '|') from timeline where customer_id = c.id),
                      (select string_agg(comment, '|') from nps_responses where customer_id = c.id),
                      (select string_agg(email, '|') from suppressions))
                    from customers c where c.id = :c
                    """)
                .param("c", GLOBEX.id())
                .query(String.class)
                .list());
    assertThat(all)
        .doesNotContain(GLOBEX.name())
        .doesNotContain(GLOBEX.email())
        .doesNotContain("slow dashboards");
    // Never emailed again, under the old address, in any case.
    assertThat(communications.isSuppressed(GLOBEX.email())).isTrue();
    assertThat(communications.isSuppressed(GLOBEX.email().toUpperCase(Locale.ROOT))).isTrue();
    assertThat(
            jdbc.sql("select reason from suppressions where email like 'sha256:%'")
                .query(String.class)
                .list())
        .containsExactly("UNSUBSCRIBED");
    // Other customers are untouched.
    assertThat(
            jdbc.sql("select subject from communications where customer_id = :c")
                .param("c", ACME.id())
                .query(String.class)
                .single())
        .isEqualTo("Hello Globex");
    assertThat(personalData.erase("nobody")).isEmpty();
  }

  @Test
  void purge_deletesEmailBodiesAndTimelineDetailsOlderThanTheRetentionPeriod() {
    email(GLOBEX.id(), GLOBEX.email(), NOW.minus(Duration.ofDays(400)));
    email(GLOBEX.id(), GLOBEX.email(), NOW.minus(Duration.ofDays(10)));
    timeline(GLOBEX.id(), NOW.minus(Duration.ofDays(366)), "old");
    timeline(GLOBEX.id(), NOW.minus(Duration.ofDays(364)), "recent");

    PrivacyActivitiesImpl activity =
        new PrivacyActivitiesImpl(personalData, Clock.fixed(NOW, ZoneOffset.UTC), 365);
    PurgeReport report = activity.purgeExpired(new PurgeRequest("test"));

    assertThat(report.emailBodies()).isEqualTo(1);
    assertThat(report.timelineEntries()).isEqualTo(1);
    assertThat(report.retentionDays()).isEqualTo(365);
    assertThat(
            jdbc.sql("select body_text from communications order by created_at")
                .query(String.class)
                .list())
        .containsExactly(PersonalData.EXPIRED, "Dear Globex team, ...");
    assertThat(jdbc.sql("select summary from timeline").query(String.class).list())
        .isEqualTo(List.of("recent"));
    // Idempotent: a retried purge finds nothing more.
    assertThat(activity.purgeExpired(new PurgeRequest("retry")).emailBodies()).isZero();
  }
}
