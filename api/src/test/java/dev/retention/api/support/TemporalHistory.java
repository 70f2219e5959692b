package dev.retention.api.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.MarkerRecordedEventAttributes;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.client.WorkflowClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's history as the Temporal service hands it out (what the Temporal UI and {@code temporal
 * workflow show} get), its payloads, and the body the codec endpoint takes them in.
 */
public final class TemporalHistory {

  private TemporalHistory() {}

  /** The latest run's events, through the raw gRPC stubs (nothing decoded). */
  public static List<HistoryEvent> events(WorkflowClient client, String workflowId) {
    List<HistoryEvent> events = new ArrayList<>();
    ByteString page = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryResponse response =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .getWorkflowExecutionHistory(
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .setNextPageToken(page)
                      .build());
      events.addAll(response.getHistory().getEventsList());
      page = response.getNextPageToken();
    } while (!page.isEmpty());
    return events;
  }

  /** Every payload of the events, however deep (see {@link #collectPayloads}). */
  public static List<Payload> payloads(List<HistoryEvent> events) {
    List<Payload> payloads = new ArrayList<>();
    events.forEach(event -> collectPayloads(event, payloads));
    return payloads;
  }

  /**
   * Every payload in a message, however deep, except search attributes: the service indexes those,
   * so they stay plain and hold ids only (see RunSearchAttributes).
   */
  private static final Set<String> LOCAL_ACTIVITY_BOOKKEEPING =
      Set.of("activityId", "type", "time", "meta");

  public static void collectPayloads(Message message, List<Payload> into) {
    if (message instanceof Payload payload) {
      into.add(payload);
      return;
    }
    if (message instanceof SearchAttributes) {
      return;
    }
    if (message instanceof MarkerRecordedEventAttributes marker
        && "Version".equals(marker.getMarkerName())) {
      // Workflow.getVersion's marker: the SDK writes the change id and version unencoded; they
      // name a code change, never a customer.
      return;
    }
    if (message instanceof MarkerRecordedEventAttributes marker
        && "LocalActivity".equals(marker.getMarkerName())) {
      // A local activity's marker: the SDK writes its activity id, type, time and attempt
      // unencoded (bookkeeping, never a customer's); its result or failure goes through the codec.
      marker.getDetailsMap().entrySet().stream()
          .filter(detail -> !LOCAL_ACTIVITY_BOOKKEEPING.contains(detail.getKey()))
          .forEach(detail -> collectPayloads(detail.getValue(), into));
      if (marker.hasFailure()) {
        collectPayloads(marker.getFailure(), into);
      }
      return;
    }
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      Object value = field.getValue();
      if (value instanceof List<?> list) {
        list.forEach(item -> collectPayloads(mapValue(item), into));
      } else {
        collectPayloads((Message) value, into);
      }
    }
  }

  /** Map fields come as entry messages; the payload is their value. */
  private static Message mapValue(Object item) {
    Message entry = (Message) item;
    if (entry.getDescriptorForType().getOptions().getMapEntry()) {
      FieldDescriptor value = entry.getDescriptorForType().findFieldByName("value");
      if (value.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        return (Message) entry.getField(value);
      }
    }
    return entry;
  }

  /**
   * The payloads decoded by the app's codec endpoint ({@code POST /codec/decode}), each as its
   * metadata and data in text.
   */
  public static List<String> decode(HttpApi api, String namespace, List<Payload> payloads) {
    HttpApi.Response decoded =
        api.post("/codec/decode", codecJson(payloads), Map.of("X-Namespace", namespace));
    if (decoded.status() != 200) {
      throw new AssertionError("POST /codec/decode: " + decoded);
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode payload : decoded.body().path("payloads")) {
      StringBuilder text = new StringBuilder();
      payload
          .path("metadata")
          .properties()
          .forEach(
              e ->
                  text.append(e.getKey())
                      .append('=')
                      .append(utf8(e.getValue().asText("")))
                      .append(' '));
      texts.add(text.append(utf8(payload.path("data").asText(""))).toString());
    }
    return texts;
  }

  private static String utf8(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /** The codec endpoint's body: {@code {"payloads":[{"metadata":{…},"data":"…"}]}}, base64. */
  public static String codecJson(List<Payload> payloads) {
    StringBuilder json = new StringBuilder("{\"payloads\":[");
    for (int i = 0; i < payloads.size(); i++) {
      Payload p = payloads.get(i);
      json.append(i == 0 ? "" : ",").append("{\"metadata\":{");
      List<String> metadata = new ArrayList<>();
      p.getMetadataMap()
          .forEach(
              (k, v) ->
                  metadata.add(
                      "\""
                          + k
                          + "\":\""
                          + Base64.getEncoder().encodeToString(v.toByteArray())
                          + "\""));
      json.append(String.join(",", metadata))
          .append("},\"data\":\"")
          .append(Base64.getEncoder().encodeToString(p.getData().toByteArray()))
          .append("\"}");
    }
    return json.append("]}").toString();
  }
}
