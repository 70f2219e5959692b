package dev.retention.api.problems;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowServiceException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error as RFC 9457 problem+json: a title, a detail a backend developer can act on, and for
 * validation errors the field. Spring MVC's own errors (405, 415, …) come from the base class.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  /** Jackson's STRICT_DUPLICATE_DETECTION message: {@code Duplicate Object property "score"}. */
  private static final Pattern DUPLICATE =
      Pattern.compile("Duplicate (?:Object )?(?:property|field) \"([^\"]*)\"");

  record FieldProblem(String field, String problem) {}

  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<Object> apiProblem(ApiProblem e) {
    ProblemDetail body = problem(e.status(), e.title(), e.getMessage(), e.field());
    e.properties().forEach(body::setProperty);
    ResponseEntity.BodyBuilder answer =
        ResponseEntity.status(body.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    e.headers().forEach((name, value) -> answer.header(name, value));
    return answer.body(body);
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
    BodyTooLarge tooLarge = BodyTooLarge.in(e);
    if (tooLarge != null) {
      return respond(tooLarge.problem());
    }
    String field = null;
    String detail = "the request body is missing or is not valid JSON";
    if (e.getCause() instanceof JacksonException jackson) {
      field = fieldPath(jackson);
      Matcher duplicate = DUPLICATE.matcher(String.valueOf(jackson.getOriginalMessage()));
      if (duplicate.find()) {
        field = field == null ? duplicate.group(1) : field + "." + duplicate.group(1);
        detail = field + " is given more than once; give every property once";
      } else if (jackson instanceof UnrecognizedPropertyException unknown) {
        detail =
            field
                + " is not a property of this request; the properties are "
                + unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
      } else {
        detail =
            field == null
                ? "the request body is not valid JSON: " + jackson.getOriginalMessage()
                : field
                    + " has a value of the wrong type or an unknown value: "
                    + jackson.getOriginalMessage();
      }
    }
    return respond(problem(HttpStatus.BAD_REQUEST, "Malformed request body", detail, field));
  }

  /** A constraint on a query parameter or path variable ({@code @SingleLine} and the like). */
  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldProblem> problems = new ArrayList<>();
    for (ParameterValidationResult result : e.getParameterValidationResults()) {
      String name = parameterName(result.getMethodParameter());
      result
          .getResolvableErrors()
          .forEach(error -> problems.add(new FieldProblem(name, error.getDefaultMessage())));
    }
    if (problems.isEmpty()) {
      return respond(problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage(), null));
    }
    FieldProblem first = problems.getFirst();
    ProblemDetail body =
        problem(
            HttpStatus.BAD_REQUEST,
            "Invalid request",
            first.field() + " " + first.problem(),
            first.field());
    body.setProperty("errors", problems);
    return respond(body);
  }

  /**
   * Spring MVC's own answers (404 no such path, 405, 406, 413, 415, …): problem+json whatever the
   * client accepts, with the headers Spring set (such as Allow on a 405).
   */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ResponseEntity<Object> answer =
        super.handleExceptionInternal(e, body, headers, status, request);
    if (answer == null || !(answer.getBody() instanceof ProblemDetail problem)) {
      return answer;
    }
    HttpHeaders out = new HttpHeaders();
    out.putAll(answer.getHeaders());
    out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return new ResponseEntity<>(problem, out, answer.getStatusCode());
  }

  @Override
  protected ResponseEntity<Object> handleNoResourceFoundException(
      NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    return respond(
        problem(
            HttpStatus.NOT_FOUND,
            "Not found",
            "there is no endpoint at " + e.getHttpMethod() + " /" + e.getResourcePath(),
            null));
  }

  private static String parameterName(MethodParameter parameter) {
    RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
    if (param != null && !param.name().isEmpty()) {
      return param.name();
    }
    PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
    if (path != null && !path.name().isEmpty()) {
      return path.name();
    }
    String name = parameter.getParameterName();
    return name == null ? "parameter " + parameter.getParameterIndex() : name;
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

  /** A multipart content type whose body cannot be parsed (no boundary, say). */
  @ExceptionHandler(org.springframework.web.multipart.MultipartException.class)
  ResponseEntity<Object> badMultipart(org.springframework.web.multipart.MultipartException e) {
    return respond(
        problem(
            HttpStatus.BAD_REQUEST,
            "Malformed request body",
            "the multipart body cannot be read (a missing boundary, or a broken part); only the"
                + " SendGrid Inbound Parse endpoint takes multipart/form-data",
            null));
  }

  /** Tomcat refuses a query string or form parameter it cannot decode (e.g. an empty name). */
  @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
  ResponseEntity<Object> badParameters(org.apache.tomcat.util.http.InvalidParameterException e) {
    return respond(
        problem(
            HttpStatus.BAD_REQUEST,
            "Invalid request",
            "the query string (or form body) holds a parameter that cannot be decoded, such as"
                + " one without a name or with broken percent-encoding",
            null));
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

  /**
   * Temporal could not be reached, was overloaded, or did not answer in time (the SDK has retried
   * by then): 503 with {@code Retry-After}, never a 500. Any other gRPC failure is a bug and stays
   * one.
   */
  @ExceptionHandler({StatusRuntimeException.class, WorkflowServiceException.class})
  ResponseEntity<Object> temporalDown(RuntimeException e) {
    Status.Code code = grpcCode(e);
    String detail =
        switch (code) {
          case UNAVAILABLE -> "Temporal is unavailable; nothing was changed, retry later";
          case RESOURCE_EXHAUSTED -> "Temporal is overloaded; nothing was changed, retry later";
          case DEADLINE_EXCEEDED ->
              "Temporal did not answer in time; the change may or may not have been made: read it"
                  + " back before you retry";
          case null, default -> null;
        };
    if (detail == null) {
      return unexpected(e);
    }
    log.error("Temporal unavailable ({})", code, e);
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .header(HttpHeaders.RETRY_AFTER, "5")
        .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable", detail, null));
  }

  /** The gRPC status code of the first {@link StatusRuntimeException} among the causes. */
  private static Status.Code grpcCode(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException status) {
        return status.getStatus().getCode();
      }
    }
    return null;
  }

  /** A body read by the handler itself (the batch endpoints) grew past its limit. */
  @ExceptionHandler(BodyTooLarge.class)
  ResponseEntity<Object> tooLarge(BodyTooLarge e) {
    return respond(e.problem());
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
    return ProblemWriter.problem(status, title, detail, field);
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
