package dev.retention.api.problems;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Every problem+json the API answers through Spring MVC, in the caller's language (Accept-Language;
 * English by default): its title and detail, never its type, status or field.
 */
@RestControllerAdvice
class ProblemLanguage implements ResponseBodyAdvice<Object> {

  private final ProblemTexts texts;

  ProblemLanguage(ProblemTexts texts) {
    this.texts = texts;
  }

  @Override
  public boolean supports(
      MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
    return true;
  }

  @Override
  public Object beforeBodyWrite(
      Object body,
      MethodParameter returnType,
      MediaType selectedContentType,
      Class<? extends HttpMessageConverter<?>> selectedConverterType,
      ServerHttpRequest request,
      ServerHttpResponse response) {
    return body instanceof ProblemDetail problem ? texts.translate(problem) : body;
  }
}
