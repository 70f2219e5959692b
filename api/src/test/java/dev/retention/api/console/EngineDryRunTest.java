package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/**
 * The dry-run panel's bridge: events typed one a line become the API's event objects, the engine's
 * timeline becomes rows, and without an engine the panel says so.
 */
class EngineDryRunTest {

  @Test
  void eventsLines_becomeTheApisEvents_andABadLineIsNamedByItsNumber() {
    List<Map<String, Object>> events =
        EngineDryRun.events(
            """
            P3D customer-responded
            # a comment
            p5d outcome saved called them back
            P2D health 35
            P4D milestone FIRST_QUERY
            PT6H upgraded Business
            """);
    assertThat(events)
        .containsExactly(
            Map.of("at", "P3D", "type", "customer-responded"),
            Map.of("at", "P5D", "type", "outcome", "outcome", "SAVED", "note", "called them back"),
            Map.of("at", "P2D", "type", "health", "score", 35),
            Map.of("at", "P4D", "type", "milestone", "milestone", "FIRST_QUERY"),
            Map.of("at", "PT6H", "type", "upgraded", "plan", "Business"));
    assertThatThrownBy(() -> EngineDryRun.events("P3D customer-responded\nday3 outcome SAVED"))
        .hasMessageStartingWith("line 2:");
    assertThatThrownBy(() -> EngineDryRun.events("P3D replied")).hasMessageContaining("not one of");
    assertThatThrownBy(() -> EngineDryRun.events("P2D health lots")).hasMessageContaining("score");
  }

  @Test
  void theEnginesAnswer_becomesRows_andTheBodyIsTheApisContract() {
    DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
    AtomicReference<Map<String, Object>> sent = new AtomicReference<>();
    beans.registerSingleton(
        "engine",
        (ConsoleDryRun.Engine)
            body -> {
              sent.set(body);
              return Map.of(
                  "entries",
                  List.of(
                      Map.of(
                          "offset",
                          "P2D",
                          "day",
                          3,
                          "at",
                          "2026-01-03T09:00:00Z",
                          "kind",
                          "email",
                          "subject",
                          "Checking in")),
                  "status",
                  "COMPLETED",
                  "outcome",
                  "SAVED");
            });
    EngineDryRun dryRun = new EngineDryRun(beans.getBeanProvider(ConsoleDryRun.Engine.class));
    assertThat(dryRun.available()).isTrue();

    ConsoleDryRun.Result result = dryRun.run("at-risk", "c-42", "P3D customer-responded", "id: x");

    assertThat(sent.get())
        .containsEntry("playbook", "at-risk")
        .containsEntry("customerId", "c-42")
        .containsEntry("yaml", "id: x")
        .containsEntry("events", List.of(Map.of("at", "P3D", "type", "customer-responded")));
    assertThat(result.status()).isEqualTo("COMPLETED");
    assertThat(result.outcome()).isEqualTo("SAVED");
    assertThat(result.stage()).isEmpty();
    assertThat(result.timeline())
        .containsExactly(
            new ConsoleDryRun.Row(
                "P2D", "3", "2026-01-03T09:00:00Z", "email", "subject: Checking in"));
  }

  @Test
  void withoutAnEngine_itIsNotAvailable() {
    EngineDryRun dryRun =
        new EngineDryRun(
            new DefaultListableBeanFactory().getBeanProvider(ConsoleDryRun.Engine.class));
    assertThat(dryRun.available()).isFalse();
    assertThatThrownBy(() -> dryRun.run("at-risk", "c-42", "", "id: x"))
        .isInstanceOf(IllegalStateException.class);
  }
}
