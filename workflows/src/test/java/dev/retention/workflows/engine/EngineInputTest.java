package dev.retention.workflows.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.Definitions;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.PlaybookContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The first stage the API gives a run on the engine with its start: the definition's own where it
 * is written out, none where the run renders it from its start.
 */
class EngineInputTest {

  private static EngineInput of(String playbook) {
    return new EngineInput(
        new PlaybookContext("c-1", "csm-1", Cadence.REAL_DAYS),
        Map.of(),
        null,
        Definitions.load(playbook));
  }

  @Test
  void aWrittenOutFirstStage_isGivenWithTheStart() {
    assertThat(of("at-risk").firstStage()).isEqualTo("OUTREACH");
    assertThat(of("trial-conversion").firstStage()).isEqualTo("TRIAL");
  }

  @Test
  void aRenderedFirstStage_isLeftToTheRun() {
    assertThat(Definitions.load("nps-follow-up").initialStage()).contains("{{");
    assertThat(of("nps-follow-up").firstStage()).isNull();
  }
}
