package dev.retention.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import dev.retention.api.support.TemporalHistory;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the Temporal service keeps of a run is unreadable without the key: a run whose input and
 * email carry a customer's name and NPS comment is read back through the raw gRPC history (what the
 * Temporal UI and {@code temporal workflow show} get), and neither appears in it; through the codec
 * endpoint both do. Runs against the embedded runtime, or a real Temporal server when
 * TEMPORAL_ADDRESS is set (see .ci/run).
 */
@ApiTest
class EncryptedHistoryEndToEndTest {

  @LocalServerPort int port;
  @Autowired WorkflowClient client;

  @Test
  void historyHoldsNoReadableNameOrComment_theCodecEndpointReadsThem() {
    HttpApi api = new HttpApi(port);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String name = "Zephyrine Quill Analytics " + suffix;
    String comment = "Marigold exports would make it a ten " + suffix;
    String customer = newCustomer(api, suffix, name);

    Response nps =
        api.post(
            "/api/events/nps",
            """
            {"customerId":"%s","score":7,"comment":"%s"}"""
                .formatted(customer, comment));
    assertThat(nps.status()).as(nps.toString()).isEqualTo(202);
    String workflowId = "nps-follow-up-" + customer;
    // The thank-you email's subject ("Thank you, <name>: …") is in the activity's result.
    api.await(
        "/api/playbooks/" + workflowId,
        Duration.ofSeconds(30),
        r -> r.body().path("steps").toString().contains("\"result\":\"SENT\""));

    List<HistoryEvent> history = rawHistory(workflowId);

    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    byte[] commentBytes = comment.getBytes(StandardCharsets.UTF_8);
    ByteString everything = ByteString.EMPTY;
    for (HistoryEvent event : history) {
      everything = everything.concat(event.toByteString());
    }
    assertThat(contains(everything, nameBytes)).as("the name in the raw history").isFalse();
    assertThat(contains(everything, commentBytes)).as("the comment in the raw history").isFalse();

    List<Payload> payloads = TemporalHistory.payloads(history);
    assertThat(payloads).hasSizeGreaterThan(5);
    assertThat(payloads).allSatisfy(p -> assertThat(AesGcmPayloadCodec.isEncrypted(p)).isTrue());

    Response decoded =
        api.post(
            "/codec/decode",
            TemporalHistory.codecJson(payloads),
            Map.of("X-Namespace", namespace()));
    assertThat(decoded.status()).as(decoded.toString()).isEqualTo(200);
    StringBuilder plain = new StringBuilder();
    for (JsonNode payload : decoded.body().path("payloads")) {
      plain.append(
          new String(
              Base64.getDecoder().decode(payload.path("data").asText("")), StandardCharsets.UTF_8));
    }
    assertThat(plain).contains(comment).contains("Thank you, " + name);
  }

  private String namespace() {
    return client.getOptions().getNamespace();
  }

  private static String newCustomer(HttpApi api, String suffix, String name) {
    String csm = "csm-enc-" + suffix;
    String customer = "enc-" + suffix;
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
            {"name":"%s","email":"ops-%s@example.com","csmId":"%s","plan":"Growth","mrr":490,
             "planUsageLimit":10000,"timezone":"Europe/Amsterdam","locale":"en"}"""
                .formatted(name, suffix, csm));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return customer;
  }

  private List<HistoryEvent> rawHistory(String workflowId) {
    return TemporalHistory.events(client, workflowId);
  }

  private static boolean contains(ByteString haystack, byte[] needle) {
    byte[] bytes = haystack.toByteArray();
    outer:
    for (int i = 0; i <= bytes.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
