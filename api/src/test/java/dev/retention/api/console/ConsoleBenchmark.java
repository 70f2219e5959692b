package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Page timings at volume: seeds 10 000 customers (20 CSMs of one manager), 50 000 runs (10 % of
 * them running), 50 000 health scores, 20 000 emails, 20 000 tasks and 5 000 NPS answers into the
 * embedded PostgreSQL, then asks each console page 100 times (after 10 warm-ups) over HTTP on
 * localhost and prints p50 and p95 beside the 100 ms limit. A benchmark that prints figures, not a
 * timed test: not part of {@code ./mvnw verify} (the class name is not a test's); run it with
 *
 * <pre>
 * ./mvnw -B -pl api -am verify -Dtest=ConsoleBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * The seeded runs exist only in the projection, not in Temporal: My work's live query of the
 * running runs answers "not found" at once, and the run page reads the projection (its fallback).
 */
@ApiTest
class ConsoleBenchmark {

  static final int CUSTOMERS = 10_000;
  static final int CSMS = 20;
  static final int RUNS_PER_CUSTOMER = 5;
  static final int ROUNDS = 100;
  static final int WARM_UP = 10;
  static final double LIMIT_MS = 100;

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  @Test
  void pagesAtVolume() throws Exception {
    HttpApi admin = new HttpApi(port);
    long seeding = System.nanoTime();
    seed();
    System.out.printf(
        "seeded %d customers, %d runs in %d s%n",
        count("customers"), count("playbook_runs"), (System.nanoTime() - seeding) / 1_000_000_000);
    String csmPassword =
        admin.createLogin("bench-csm", "CSM", "bench-csm-01", "bench-csm-01@example.com");
    String leadPassword =
        admin.createLogin("bench-lead", "MANAGER", null, "bench-lead@example.com");
    HttpClient csm = login("bench-csm", csmPassword);
    HttpClient lead = login("bench-lead", leadPassword);
    String customer = "bench-c-00020"; // bench-csm-01's
    String run =
        jdbc.sql(
                "select workflow_id from playbook_runs where customer_id = :c order by started_at desc limit 1")
            .param("c", customer)
            .query(String.class)
            .single();

    Map<String, double[]> results = new LinkedHashMap<>();
    results.put("CSM   My work            /console", time(csm, "/console"));
    results.put("CSM   My work's runs     /console/work/runs", time(csm, "/console/work/runs"));
    results.put("CSM   Customers (500)    /console/customers", time(csm, "/console/customers"));
    results.put(
        "CSM   Customers filtered /console/customers?band=AT_RISK&sort=HEALTH",
        time(csm, "/console/customers?band=AT_RISK&sort=HEALTH"));
    results.put(
        "CSM   Customer page      /console/customers/" + customer,
        time(csm, "/console/customers/" + customer));
    results.put("CSM   Run page           /console/runs/" + run, time(csm, "/console/runs/" + run));
    results.put(
        "CSM   Run panel (poll)   /console/runs/" + run + "/panel",
        time(csm, "/console/runs/" + run + "/panel"));
    results.put("LEAD  My work            /console", time(lead, "/console"));
    results.put("LEAD  My work's runs     /console/work/runs", time(lead, "/console/work/runs"));
    results.put("LEAD  Customers (10 000) /console/customers", time(lead, "/console/customers"));
    results.put(
        "LEAD  Customers by playbook /console/customers?playbook=at-risk",
        time(lead, "/console/customers?playbook=at-risk"));
    results.put(
        "LEAD  Customers searched /console/customers?q=customer 1234",
        time(lead, "/console/customers?q=customer%201234"));
    results.put(
        "LEAD  Customers searched by id ?q=bench-c-0999",
        time(lead, "/console/customers?q=bench-c-0999"));
    results.put(
        "LEAD  At risk, uncovered /console/customers?uncovered=true",
        time(lead, "/console/customers?uncovered=true"));
    results.put("LEAD  Lead dashboard     /console/lead", time(lead, "/console/lead"));

    System.out.println();
    System.out.println("Console page timings (" + ROUNDS + " requests each, localhost)");
    System.out.printf("%-78s %8s %8s %8s  %s%n", "page", "p50 ms", "p95 ms", "limit", "");
    for (var e : results.entrySet()) {
      double[] p = e.getValue();
      System.out.printf(
          "%-78s %8.1f %8.1f %8.0f  %s%n",
          e.getKey(), p[0], p[1], LIMIT_MS, p[1] <= LIMIT_MS ? "ok" : "OVER");
    }
    System.out.println();
  }

  private double[] time(HttpClient client, String path) throws Exception {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < WARM_UP + ROUNDS; i++) {
      long start = System.nanoTime();
      HttpResponse<String> answer =
          client.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                  .header("Accept", "text/html")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      double took = (System.nanoTime() - start) / 1e6;
      assertThat(answer.statusCode()).as(path).isEqualTo(200);
      if (i >= WARM_UP) {
        ms.add(took);
      }
    }
    Collections.sort(ms);
    return new double[] {ms.get(ms.size() / 2), ms.get((int) Math.ceil(ms.size() * 0.95) - 1)};
  }

  private HttpClient login(String username, String password) throws Exception {
    HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    HttpResponse<String> answer =
        client.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/session"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"%s\",\"password\":\"%s\"}".formatted(username, password)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    return client;
  }

  private long count(String table) {
    return jdbc.sql("select count(*) from " + table).query(Long.class).single();
  }

  private void seed() {
    jdbc.sql(
            """
            insert into csms (id, name, email, manager_email)
            select 'bench-csm-' || lpad(i::text, 2, '0'), 'Bench CSM ' || i,
              'bench-csm-' || lpad(i::text, 2, '0') || '@example.com', 'bench-lead@example.com'
            from generate_series(1, :csms) i
            """)
        .param("csms", CSMS)
        .update();
    jdbc.sql(
            """
            insert into customers (id, name, email, csm_id, plan, mrr, plan_usage_limit, timezone, locale)
            select 'bench-c-' || lpad(i::text, 5, '0'), 'Customer ' || i,
              'ops' || i || '@bench.example', 'bench-csm-' || lpad((1 + i % :csms)::text, 2, '0'),
              'Growth', 100 + (i * 37) % 5000, 10000, 'Europe/Amsterdam', 'en'
            from generate_series(1, :n) i
            """)
        .param("csms", CSMS)
        .param("n", CUSTOMERS)
        .update();
    jdbc.sql(
            """
            insert into health_scores (customer_id, score, band, trend, usage_score, engagement_score,
              support_score, queries_per_week, features_used, logins_per_week, email_open_rate,
              open_tickets, sentiment, plan_usage, scored_at)
            select c.id, s.score,
              case when s.score >= 80 then 'HEALTHY' when s.score >= 60 then 'NEUTRAL'
                   when s.score >= 40 then 'AT_RISK' else 'CRITICAL' end,
              'DOWN', 50, 75, 62.5, 10, 2, 3, 0.3, 1, 'NEUTRAL', 0.5,
              now() - make_interval(days => 5 * (5 - k))
            from customers c cross join generate_series(1, 5) k
            cross join lateral (select 40 + ((hashtext(c.id) + k * 7) & 1023) % 60 as score) s
            where c.id like 'bench-c-%'
            """)
        .update();
    jdbc.sql(
            """
            insert into playbook_runs (run_id, workflow_id, playbook, customer_id, csm_id, status, stage,
              outcome, next_step, next_step_at, started_at, closed_at)
            select 'bench-run-' || c.id || '-' || k, p.playbook || '-' || c.id, p.playbook, c.id,
              c.csm_id,
              case when k = 5 and (hashtext(c.id) & 1) = 0 then 'RUNNING' else 'COMPLETED' end,
              case when k = 5 and (hashtext(c.id) & 1) = 0 then 'OUTREACH' else 'CLOSED' end,
              case when k = 5 and (hashtext(c.id) & 1) = 0 then null
                   else (array['SAVED','CHURNED','RECOVERED','UNRESOLVED'])[1 + (hashtext(c.id) & 3)] end,
              case when k = 5 and (hashtext(c.id) & 1) = 0 then 'day-3-email' end,
              case when k = 5 and (hashtext(c.id) & 1) = 0 then now() + interval '1 day' end,
              now() - make_interval(days => 6 * (5 - k) + 1),
              case when k = 5 and (hashtext(c.id) & 1) = 0 then null
                   else now() - make_interval(days => 6 * (5 - k)) end
            from customers c cross join generate_series(1, :runs) k
            cross join lateral (select (array['at-risk','expansion','onboarding','nps-follow-up',
              'cancellation-save'])[k] as playbook) p
            where c.id like 'bench-c-%'
            """)
        .param("runs", RUNS_PER_CUSTOMER)
        .update();
    jdbc.sql(
            """
            insert into timeline (customer_id, at, kind, playbook, workflow_id, summary)
            select c.id, now() - make_interval(hours => k * 7), 'EMAIL', 'at-risk', 'at-risk-' || c.id,
              'Email step ' || k
            from customers c cross join generate_series(1, 3) k where c.id like 'bench-c-%'
            """)
        .update();
    jdbc.sql(
            """
            insert into communications (workflow_id, run_id, step, customer_id, template, subject,
              to_address, from_name, from_address, reply_to, body_text, status, provider, sent_at)
            select 'at-risk-' || c.id, 'bench-run-' || c.id || '-1', 'day-' || k || '-email', c.id,
              'at-risk-day-1', 'Can I help?', c.email, 'Bench CSM', 'csm@example.com',
              'csm@example.com', repeat('Hello, this is a longer email body. ', 20), 'SENT', 'log',
              now() - make_interval(days => k)
            from customers c cross join generate_series(1, 2) k where c.id like 'bench-c-%'
            """)
        .update();
    jdbc.sql(
            """
            insert into crm_tasks (customer_id, workflow_id, run_id, step, assignee, assignee_email,
              title, body, priority, due_at, status)
            select c.id, 'at-risk-' || c.id, 'bench-run-' || c.id || '-' || k, 'task-' || k,
              case when k = 1 then 'CSM' else 'MANAGER' end,
              case when k = 1 then s.email else s.manager_email end,
              'Call the customer', 'Understand the blockers', case when k = 1 then 'URGENT' else 'HIGH' end,
              now() + make_interval(hours => (hashtext(c.id) & 63) - 32),
              case when (hashtext(c.id) & 3) = 0 then 'DONE' else 'OPEN' end
            from customers c join csms s on s.id = c.csm_id cross join generate_series(1, 2) k
            where c.id like 'bench-c-%'
            """)
        .update();
    jdbc.sql(
            """
            insert into nps_responses (customer_id, score, category, responded_at)
            select c.id, (hashtext(c.id) & 1023) % 11, 'PASSIVE',
              now() - make_interval(days => (hashtext(c.id) & 1023) % 28)
            from customers c where c.id like 'bench-c-%' and (hashtext(c.id) & 1) = 0
            limit 5000
            """)
        .update();
    jdbc.sql("analyze").update();
  }
}
