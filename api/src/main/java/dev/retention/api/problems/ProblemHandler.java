package dev.retention.api.problems;

import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error as RFC 9457 problem+json: a title, a detail a backend developer can act on, and for
 * validation errors the field. Spring MVC's own errors (405, 415, …) come from the base class.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  record FieldProblem(String field, String problem) {}

  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<Object> apiProblem(ApiProblem e) {
    ProblemDetail body = problem(e.status(), e.title(), e.getMessage(), e.field());
    e.properties().forEach(body::setProperty);
    return respond(body);
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldError> errors =
        e.getBindingResult().getFieldErrors().stream()
            .sorted(Comparator.comparing(FieldError::getField))
            .toList();
    if (errors.isEmpty()) {
      return respond(problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage(), null));
    }
    FieldError first = errors.getFirst();
    ProblemDetail body =
        problem(
            HttpStatus.BAD_REQUEST,
            "Invalid request",
            first.getField() + " " + first.getDefaultMessage(),
            first.getField());
    body.setProperty(
        "errors",
        errors.stream().map(f -> new FieldProblem(f.getField(), f.getDefaultMessage())).toList());
    return respond(body);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    String field = null;
    String detail = "the request body is missing or is not valid JSON";
    if (e.getCause() instanceof JacksonException jackson) {
      field = fieldPath(jackson);
      detail =
          field == null
              ? "the request body is not valid JSON: " + jackson.getOriginalMessage()
              : field
                  + " has a value of the wrong type or an unknown value: "
                  + jackson.getOriginalMessage();
    }
    return respond(problem(HttpStatus.BAD_REQUEST, "Malformed request body", detail, field));
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
    return respond(
        problem(
            HttpStatus.BAD_REQUEST,
            "Invalid request",
            e.getName() + " has an invalid value: " + e.getValue(),
            e.getName()));
  }

  @ExceptionHandler(DataAccessResourceFailureException.class)
  ResponseEntity<Object> databaseDown(DataAccessResourceFailureException e) {
    log.error("database unavailable", e);
    return respond(
        problem(
            HttpStatus.SERVICE_UNAVAILABLE,
            "Service unavailable",
            "the database is unavailable; nothing was changed, retry later",
            null));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e) {
    log.error("unexpected error", e);
    return respond(
        problem(
            HttpStatus.INTERNAL_SERVER_ERROR,
            "Internal error",
            "an unexpected error occurred; it has been logged",
            null));
  }

  private static ProblemDetail problem(
      HttpStatus status, String title, String detail, String field) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
    body.setTitle(title);
    if (field != null) {
      body.setProperty("field", field);
    }
    return body;
  }

  private static String fieldPath(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? null : path.toString();
  }

  private static ResponseEntity<Object> respond(ProblemDetail body) {
    return ResponseEntity.status(body.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(body);
  }
}
