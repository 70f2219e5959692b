package dev.retention.workflows.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.workflows.Definitions;
import dev.retention.workflows.contract.Cadence;
import dev.retention.workflows.contract.PlaybookContext;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Runs of one definition version share one copy of it: each run's input is read from its own
 * payload (a start, a replay after the worker's cache let the run go), and used to hold a copy of
 * the whole definition for as long as the run stayed in memory.
 */
class SharedDefinitionsTest {

  @Test
  void twoRunsOfTheSameVersion_holdOneCopyOfIt_andShareItsParsedTexts() {
    // A run in memory plays the version: it holds its shared copy (as the engine does).
    SharedDefinitions.Compiled playing = SharedDefinitions.of(Definitions.load("at-risk"));
    PlaybookDefinition atRisk = Definitions.load("at-risk");
    EngineInput first = readBack(input("c-1", atRisk));
    EngineInput second = readBack(input("c-2", atRisk));

    assertThat(first.definition()).isEqualTo(atRisk).isNotSameAs(atRisk);
    assertThat(first.definition()).isSameAs(playing.definition());
    assertThat(second.definition()).isSameAs(playing.definition());
    assertThat(SharedDefinitions.of(second.definition())).isSameAs(playing);
    assertThat(playing.template("{{customer.name}}"))
        .isSameAs(playing.template("{{customer.name}}"));
  }

  @Test
  void anotherVersion_isACopyOfItsOwn() {
    PlaybookDefinition atRisk = Definitions.load("at-risk");
    EngineInput v1 = readBack(input("c-1", atRisk));
    EngineInput v2 = readBack(input("c-2", atRisk.withVersion(atRisk.versionOrFirst() + 1)));

    assertThat(v2.definition()).isNotSameAs(v1.definition());
    assertThat(v2.definition().version()).isEqualTo(atRisk.versionOrFirst() + 1);
  }

  private static EngineInput input(String customer, PlaybookDefinition definition) {
    return new EngineInput(
        new PlaybookContext(customer, "csm-1", Cadence.REAL_DAYS), Map.of(), "test", definition);
  }

  /** As the worker reads a run's input: from the JSON payload its start recorded. */
  private static EngineInput readBack(EngineInput input) {
    Payloads payloads = DefaultDataConverter.STANDARD_INSTANCE.toPayloads(input).orElseThrow();
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
        0, Optional.of(payloads), EngineInput.class, EngineInput.class);
  }
}
