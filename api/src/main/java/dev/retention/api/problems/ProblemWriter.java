package dev.retention.api.problems;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem straight to the servlet response, for the answers given outside Spring MVC's
 * exception handling (a servlet filter, the container's error dispatch). Same JSON as {@link
 * ProblemHandler}'s.
 */
@Component
public class ProblemWriter {

  private final JsonMapper json;
  private final ProblemTexts texts;

  ProblemWriter(JsonMapper json, ProblemTexts texts) {
    this.json = json;
    this.texts = texts;
  }

  public static ProblemDetail problem(
      HttpStatus status, String title, String detail, String field) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
    body.setTitle(title);
    if (field != null) {
      body.setProperty("field", field);
    }
    return body;
  }

  public void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    texts.translate(problem);
    response.setStatus(problem.getStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setCharacterEncoding("UTF-8");
    json.writeValue(response.getOutputStream(), problem);
    response.flushBuffer();
  }
}
