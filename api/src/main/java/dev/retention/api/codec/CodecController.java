package dev.retention.api.codec;

import com.google.protobuf.ByteString;
import dev.retention.api.problems.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodecException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The codec server the Temporal UI and {@code temporal workflow show --codec-endpoint
 * http://…/codec} call: {@code POST /codec/decode} and {@code POST /codec/encode}, with the
 * payloads as proto3 JSON ({@code {"payloads":[{"metadata":{"encoding":"<base64>"},"data":
 * "<base64>"}]}}, every bytes field base64) in and out, and the namespace in {@code X-Namespace}.
 * Who may call it is the security layer's business; this only refuses what it cannot decode.
 */
@Tag(name = "codec")
@RestController
class CodecController {

  static final String NAMESPACE_HEADER = "X-Namespace";

  private final AesGcmPayloadCodec codec;
  private final String namespace;

  CodecController(
      AesGcmPayloadCodec codec, @Value("${spring.temporal.namespace:default}") String namespace) {
    this.codec = codec;
    this.namespace = namespace;
  }

  /** One payload in proto3 JSON: metadata values and data are base64. */
  record JsonPayload(Map<String, String> metadata, String data) {}

  record JsonPayloads(List<JsonPayload> payloads) {}

  @Operation(
      operationId = "decodePayloads",
      summary = "Decode Temporal payloads",
      description =
          "The Temporal remote codec endpoint: decrypts payloads for the Temporal UI and "
              + "CLI (--codec-endpoint). Needs the ops scope or an admin.")
  @PostMapping(path = "/codec/decode", produces = MediaType.APPLICATION_JSON_VALUE)
  JsonPayloads decode(
      @RequestBody JsonPayloads body,
      @RequestHeader(name = NAMESPACE_HEADER, required = false) String requestNamespace) {
    // Each customer data key looked up afresh: one destroyed by an erasure reads as erased here at
    // once, whichever instance destroyed it.
    return apply(body, requestNamespace, codec.verifying()::decode);
  }

  @Operation(
      operationId = "encodePayloads",
      summary = "Encode Temporal payloads",
      description =
          "The Temporal remote codec endpoint: encrypts payloads as the app's workers do. "
              + "Needs the ops scope or an admin.")
  @PostMapping(path = "/codec/encode", produces = MediaType.APPLICATION_JSON_VALUE)
  JsonPayloads encode(
      @RequestBody JsonPayloads body,
      @RequestHeader(name = NAMESPACE_HEADER, required = false) String requestNamespace) {
    return apply(body, requestNamespace, codec::encode);
  }

  private JsonPayloads apply(
      JsonPayloads body, String requestNamespace, UnaryOperator<Payload> operation) {
    if (requestNamespace != null && !requestNamespace.equals(namespace)) {
      throw ApiProblem.invalid(
          NAMESPACE_HEADER,
          "this codec serves the Temporal namespace '"
              + namespace
              + "', not '"
              + requestNamespace
              + "'");
    }
    if (body == null) {
      throw ApiProblem.invalid(
          "payloads", "payloads is required: {\"payloads\":[{\"metadata\":{…},\"data\":\"…\"}]}");
    }
    if (body.payloads() == null) {
      // Proto3 JSON leaves an empty list out: the CLI encodes a query without arguments as {}.
      return new JsonPayloads(List.of());
    }
    List<JsonPayload> out = new ArrayList<>(body.payloads().size());
    for (int i = 0; i < body.payloads().size(); i++) {
      String field = "payloads[" + i + "]";
      Payload payload = fromJson(body.payloads().get(i), field);
      try {
        out.add(toJson(operation.apply(payload)));
      } catch (PayloadCodecException e) {
        throw ApiProblem.invalid(field, field + ": " + e.getMessage());
      }
    }
    return new JsonPayloads(out);
  }

  private static Payload fromJson(JsonPayload json, String field) {
    if (json == null) {
      throw ApiProblem.invalid(
          field, field + " is null; a payload is {\"metadata\":{…},\"data\":…}");
    }
    Payload.Builder payload = Payload.newBuilder();
    if (json.metadata() != null) {
      json.metadata()
          .forEach(
              (key, value) -> payload.putMetadata(key, bytes(value, field + ".metadata." + key)));
    }
    if (json.data() != null) {
      payload.setData(bytes(json.data(), field + ".data"));
    }
    return payload.build();
  }

  private static JsonPayload toJson(Payload payload) {
    Map<String, String> metadata = new LinkedHashMap<>();
    payload.getMetadataMap().forEach((key, value) -> metadata.put(key, base64(value)));
    return new JsonPayload(metadata, base64(payload.getData()));
  }

  /** Proto3 JSON accepts standard and URL-safe base64, padded or not. */
  private static ByteString bytes(String base64, String field) {
    if (base64 == null) {
      throw ApiProblem.invalid(field, field + " is null; bytes are base64 strings");
    }
    try {
      return ByteString.copyFrom(
          Base64.getDecoder().decode(base64.strip().replace('-', '+').replace('_', '/')));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid(
          field, field + " is not base64 (proto3 JSON carries bytes as base64 strings)");
    }
  }

  private static String base64(ByteString bytes) {
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }
}
