package dev.retention.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.support.HttpApi.Response;

/** Assertions on RFC 9457 problem responses. */
public final class Problems {

  private Problems() {}

  /**
   * A problem+json answer with the status, a title, a detail saying why and, if given, the field.
   */
  public static void assertProblem(Response r, int status, String field, String detailPart) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.text("title")).isNotBlank();
    // RFC 9457: the body's "status" is the HTTP status, always (no extension may overwrite it).
    assertThat(r.body().path("status").asInt()).as(r.toString()).isEqualTo(status);
    assertThat(r.text("detail")).contains(detailPart);
    if (field != null) {
      assertThat(r.text("field")).isEqualTo(field);
    }
  }
}
