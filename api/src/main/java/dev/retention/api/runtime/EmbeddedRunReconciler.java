package dev.retention.api.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The embedded Temporal service keeps its runs in memory, so a restart loses them while the
 * database remembers them as running. Say so in the projection and on the timeline instead of
 * showing ghosts. (With a real Temporal server runs survive restarts and this does not run.)
 */
@Component
@ConditionalOnProperty(name = "spring.temporal.test-server.enabled", havingValue = "true")
class EmbeddedRunReconciler implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRunReconciler.class);

  private final JdbcClient jdbc;

  EmbeddedRunReconciler(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void run(ApplicationArguments args) {
    jdbc.sql(
            """
            insert into timeline (customer_id, at, kind, playbook, workflow_id, run_id, entry_key, summary)
            select customer_id, now(), 'OUTCOME', playbook, workflow_id, run_id, 'lost-on-restart',
              playbook || ' run lost: the embedded Temporal service was restarted'
            from playbook_runs where status = 'RUNNING'
            on conflict (run_id, entry_key) do nothing
            """)
        .update();
    int lost =
        jdbc.sql(
                """
                update playbook_runs set status = 'TERMINATED', next_step = null, next_step_at = null,
                  closed_at = now(), updated_at = now()
                where status = 'RUNNING'
                """)
            .update();
    if (lost > 0) {
      log.warn(
          "{} run(s) from a previous start were lost with the embedded Temporal service; marked"
              + " TERMINATED. Use TEMPORAL_ADDRESS for runs that survive restarts.",
          lost);
    }
  }
}
