package dev.retention.api.problems;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.ServletException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.transaction.CannotCreateTransactionException;
import tools.jackson.databind.json.JsonMapper;

/** A login session that cannot be read because the database is down: 503, never a 500. */
class DatabaseDownFilterTest {

  final DatabaseDownFilter filter =
      new DatabaseDownFilter(
          new ProblemWriter(
              new JsonMapper(),
              new ProblemTexts(new org.springframework.context.support.StaticMessageSource())));

  @Test
  void aSessionReadFailingForTheDatabase_is503ProblemJson() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/session");
    MockHttpServletResponse response = new MockHttpServletResponse();
    filter.doFilter(
        request,
        response,
        (req, res) -> {
          // As Spring Session's JDBC repository fails when no connection can be had.
          throw new ServletException(
              new CannotCreateTransactionException(
                  "Could not open JDBC Connection for transaction",
                  new SQLTransientConnectionException("connection is not available")));
        });
    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getContentType()).startsWith("application/problem+json");
    assertThat(response.getContentAsString()).contains("the database is unavailable");
  }

  @Test
  void otherFailures_passOn() {
    MockHttpServletResponse response = new MockHttpServletResponse();
    assertThatThrownBy(
            () ->
                filter.doFilter(
                    new MockHttpServletRequest("GET", "/api/session"),
                    response,
                    (req, res) -> {
                      throw new IllegalStateException("a bug");
                    }))
        .isInstanceOf(IllegalStateException.class);
  }
}
