package dev.retention.activities.email;

import com.resend.core.net.AbstractHttpResponse;
import com.resend.core.net.HttpMethod;
import com.resend.core.net.IHttpClient;
import com.resend.core.net.RequestOptions;
import com.resend.core.net.impl.HttpClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The HTTP layer under resend-java's {@code Emails} service, with a configurable base URL.
 *
 * <p>resend-java (4.x) hard-codes {@code https://api.resend.com} ({@link HttpClient#BASE_API}) in
 * its own {@link HttpClient} and builds a default OkHttp client with no way to configure either.
 * The one seam the SDK has is its {@link IHttpClient} interface, which its services take in a
 * package-private constructor "intended for testing". This class is that interface with the same
 * requests as the SDK's (same headers, {@code Idempotency-Key} from {@link RequestOptions}, OkHttp
 * underneath), plus a base URL and timeouts. It also keeps the last answer's {@code Retry-After},
 * which the SDK's exception does not carry.
 */
@SuppressWarnings("rawtypes")
final class ResendHttp implements IHttpClient<String> {

  private final String baseUrl;
  private final OkHttpClient http;
  private final ThreadLocal<String> lastRetryAfter = new ThreadLocal<>();

  ResendHttp(URI baseUrl, Duration timeout) {
    String base = baseUrl.toString();
    this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.http =
        new OkHttpClient.Builder()
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .writeTimeout(timeout)
            .build();
  }

  /** The {@code Retry-After} of this thread's last answer, or null. */
  String lastRetryAfter() {
    return lastRetryAfter.get();
  }

  @Override
  public AbstractHttpResponse<String> perform(
      String path,
      String apiKey,
      HttpMethod method,
      String payload,
      MediaType mediaType,
      RequestOptions options) {
    Request.Builder request =
        new Request.Builder()
            .url(baseUrl + path)
            .addHeader("Accept", "application/json")
            .addHeader("User-Agent", HttpClient.USER_AGENT)
            .addHeader("Authorization", "Bearer " + apiKey)
            .method(method.name(), payload == null ? null : RequestBody.create(payload, mediaType));
    if (options != null) {
      if (options.getIdempotencyKey() != null && !options.getIdempotencyKey().isEmpty()) {
        request.addHeader("Idempotency-Key", options.getIdempotencyKey());
      }
      options.getAdditionalHeaders().forEach(request::addHeader);
    }
    lastRetryAfter.remove();
    try (Response response = http.newCall(request.build()).execute()) {
      lastRetryAfter.set(response.header("Retry-After"));
      return new AbstractHttpResponse<>(
          response.code(), response.body().string(), response.isSuccessful());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public AbstractHttpResponse<String> perform(
      String path, String apiKey, HttpMethod method, String payload, MediaType mediaType) {
    return perform(path, apiKey, method, payload, mediaType, (RequestOptions) null);
  }

  @Override
  public AbstractHttpResponse<String> perform(
      String path,
      String apiKey,
      HttpMethod method,
      String payload,
      MediaType mediaType,
      Map<String, String> additionalHeaders) {
    return perform(
        path,
        apiKey,
        method,
        payload,
        mediaType,
        RequestOptions.builder()
            .addAll(additionalHeaders == null ? Map.of() : additionalHeaders)
            .build());
  }

  @Override
  public AbstractHttpResponse<String> performMultipart(
      String path,
      String apiKey,
      HttpMethod method,
      File file,
      MediaType fileMediaType,
      Map<String, String> formFields) {
    throw new UnsupportedOperationException("we send no attachments");
  }

  @Override
  public AbstractHttpResponse<String> performMultipart(
      String path,
      String apiKey,
      HttpMethod method,
      File file,
      MediaType fileMediaType,
      Map<String, String> formFields,
      RequestOptions requestOptions) {
    throw new UnsupportedOperationException("we send no attachments");
  }

  @Override
  public AbstractHttpResponse<String> performMultipart(
      String path,
      String apiKey,
      HttpMethod method,
      byte[] fileBytes,
      String fileName,
      MediaType fileMediaType,
      Map<String, String> formFields) {
    throw new UnsupportedOperationException("we send no attachments");
  }

  @Override
  public AbstractHttpResponse<String> performMultipart(
      String path,
      String apiKey,
      HttpMethod method,
      byte[] fileBytes,
      String fileName,
      MediaType fileMediaType,
      Map<String, String> formFields,
      RequestOptions requestOptions) {
    throw new UnsupportedOperationException("we send no attachments");
  }
}
