package dev.retention.api.batch;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Validator;
import java.io.IOException;
import java.util.function.Function;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
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
              + " refused, with its field.",
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
  MetricsBatch.Result metrics(HttpServletRequest request) throws IOException {
    return metrics.ingest(read(request, MetricsRecord.class, MetricsRecord::customerId));
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
