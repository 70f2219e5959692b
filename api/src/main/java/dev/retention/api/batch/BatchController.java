package dev.retention.api.batch;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Validator;
import java.io.IOException;
import java.util.function.Function;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bulk path for a backend with many customers: up to {@value BatchBody#MAX_RECORDS} records a
 * request, as a JSON array or NDJSON, each validated on its own (see {@link BatchBody}); bodies up
 * to {@code retention.http.max-batch-body-size} (16 MB).
 */
@RestController
class BatchController {

  static final String METRICS = "/api/metrics/batch";
  static final String CUSTOMERS = "/api/customers/batch";
  static final String RESPOND_ASYNC = "respond-async";

  private final JsonMapper json;
  private final Validator validator;
  private final MetricsBatch metrics;
  private final CustomersBatch customers;

  BatchController(
      JsonMapper json, Validator validator, MetricsBatch metrics, CustomersBatch customers) {
    this.json = json;
    this.validator = validator;
    this.metrics = metrics;
    this.customers = customers;
  }

  @PostMapping(
      path = METRICS,
      consumes = {MediaType.APPLICATION_JSON_VALUE, BatchBody.NDJSON})
  @Operation(
      operationId = "recordMetricsBatch",
      tags = "metrics",
      summary = "Report many customers' metrics at once",
      description =
          "The bulk path for the backend: up to "
              + BatchBody.MAX_RECORDS
              + " customers' weekly metrics as a JSON array or NDJSON (one record per line),"
              + " scored in one go. The answer counts what was scored and names each record"
              + " refused, with its field. The runs the scores start are queued with the scores;"
              + " with Prefer: respond-async the answer comes once they are queued (listed as"
              + " queued) and they start right after.",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content = {
                @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    array =
                        @ArraySchema(
                            schema = @Schema(implementation = MetricsRecord.class),
                            maxItems = BatchBody.MAX_RECORDS)),
                @Content(
                    mediaType = BatchBody.NDJSON,
                    schema = @Schema(type = "string", description = "one record per line"))
              }))
  MetricsBatch.Result metrics(
      HttpServletRequest request,
      HttpServletResponse response,
      @Parameter(
              description =
                  "respond-async: answer once the scores and the runs they start are stored;"
                      + " those runs start right after and are listed as queued (RFC 7240)")
          @RequestHeader(name = "Prefer", required = false)
          String prefer)
      throws IOException {
    boolean respondAsync = respondAsync(prefer);
    BatchBody.Read<MetricsRecord> records =
        read(request, MetricsRecord.class, MetricsRecord::customerId);
    MetricsBatch.Result result = metrics.ingest(records, respondAsync);
    if (respondAsync) {
      response.setHeader("Preference-Applied", RESPOND_ASYNC);
    }
    return result;
  }

  /**
   * Whether a {@code Prefer} header (RFC 7240: preferences, comma-separated) asks to respond async.
   */
  static boolean respondAsync(String prefer) {
    if (prefer == null) {
      return false;
    }
    for (String preference : prefer.split(",", -1)) {
      String token = preference.split(";", 2)[0].strip();
      if (token.equalsIgnoreCase(RESPOND_ASYNC)) {
        return true;
      }
    }
    return false;
  }

  @PostMapping(
      path = CUSTOMERS,
      consumes = {MediaType.APPLICATION_JSON_VALUE, BatchBody.NDJSON})
  @Operation(
      operationId = "upsertCustomersBatch",
      tags = "customers",
      summary = "Create or replace many customers at once",
      description =
          "The bulk path for the backend: up to "
              + BatchBody.MAX_RECORDS
              + " customer records as a JSON array or NDJSON (one record per line), each"
              + " created or replaced as PUT /api/customers/{customerId} would. The answer counts"
              + " what was written and names each record refused, with its field.",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content = {
                @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    array =
                        @ArraySchema(
                            schema = @Schema(implementation = CustomerRecord.class),
                            maxItems = BatchBody.MAX_RECORDS)),
                @Content(
                    mediaType = BatchBody.NDJSON,
                    schema = @Schema(type = "string", description = "one record per line"))
              }))
  CustomersBatch.Result customers(HttpServletRequest request) throws IOException {
    return customers.upsert(read(request, CustomerRecord.class, CustomerRecord::customerId));
  }

  /** The body's records, each validated on its own; an over-size body is a 413. */
  private <T> BatchBody.Read<T> read(
      HttpServletRequest request, Class<T> type, Function<T, String> customerId)
      throws IOException {
    try {
      return BatchBody.read(
          request.getInputStream(), request.getContentType(), type, json, validator, customerId);
    } catch (BatchBody.UncheckedBodyTooLarge e) {
      throw e.tooLarge();
    }
  }
}
