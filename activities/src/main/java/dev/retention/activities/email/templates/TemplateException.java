package dev.retention.activities.email.templates;

/** A template is missing, malformed, or names a variable nobody supplied. */
public class TemplateException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TemplateException(String message) {
    super(message);
  }
}
