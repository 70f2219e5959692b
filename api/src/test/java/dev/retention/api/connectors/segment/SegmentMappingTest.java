package dev.retention.api.connectors.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retention.workflows.contract.Milestone;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The mapping's own checks at start-up, and what it makes of messages. */
class SegmentMappingTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void aRuleWithNoMeaningOrTwo_orAnEventMappedTwice_stopsTheStartNamingIt() {
    assertThatThrownBy(
            () ->
                new SegmentSettings.Mapping(
                    null,
                    null,
                    null,
                    List.of(
                        new SegmentSettings.Rule("Signed In", null, null, null, null, null, null),
                        new SegmentSettings.Rule(
                            "Query Run", "queries", null, Milestone.FIRST_QUERY, null, null, null),
                        new SegmentSettings.Rule("X", "logins", null, null, null, null, null),
                        new SegmentSettings.Rule("X", "visits", null, null, null, null, null))))
        .hasMessageContaining("retention.segment.mapping.events[0] must name exactly one")
        .hasMessageContaining("events[1] must name exactly one")
        .hasMessageContaining("events[3]: event 'X' is mapped twice")
        .hasMessageContaining("events[3].metric must be logins, queries or features");
  }

  @Test
  void messagesAreClassifiedByTheMapping_andPageScreenAliasAreLeftOut() {
    SegmentSettings.Mapping mapping =
        new SegmentSettings.Mapping(
            null,
            "planUsage",
            null,
            List.of(
                new SegmentSettings.Rule("Signed In", "logins", null, null, null, null, null),
                new SegmentSettings.Rule("Used", "features", "feature", null, null, null, null),
                new SegmentSettings.Rule(
                    "Connected", null, null, Milestone.INTEGRATION_CONNECTED, null, null, null)));
    Instant now = Instant.parse("2026-12-06T12:00:00Z");
    SegmentMessages.Read read =
        SegmentMessages.read(
            JSON.readTree(
                """
                {"batch":[
                 {"type":"track","userId":"u","event":"Signed In","messageId":"a",
                  "timestamp":"2027-01-01T00:00:00Z"},
                 {"type":"track","userId":"u","event":"Used","properties":{"feature":"export"},
                  "messageId":"b"},
                 {"type":"track","anonymousId":"x","event":"Connected","messageId":"c"},
                 {"type":"group","userId":"u","groupId":"g","traits":{"customerId":"acme",
                  "planUsage":0.5},"messageId":"d"},
                 {"type":"page","userId":"u","messageId":"e"},
                 {"type":"track","userId":"u","event":"Signed In","messageId":"a"}]}"""),
            "batch",
            mapping,
            now);

    assertThat(read.received()).isEqualTo(6);
    assertThat(read.ignored()).isEqualTo(1);
    assertThat(read.messages()).hasSize(4);
    var login = read.messages().get(0);
    assertThat(login.metric()).isEqualTo("logins");
    // A timestamp in the future counts as now.
    assertThat(login.at()).isEqualTo(now);
    assertThat(read.messages().get(1).feature()).isEqualTo("export");
    assertThat(read.messages().get(2).effect()).isEqualTo("milestone:INTEGRATION_CONNECTED");
    var group = read.messages().get(3);
    assertThat(group.customerTrait()).isEqualTo("acme");
    assertThat(group.planUsage()).isEqualTo(0.5);
  }
}
