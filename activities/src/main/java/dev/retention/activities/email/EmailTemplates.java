package dev.retention.activities.email;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Per-step email templates in {@code templates/email/<playbook>/<step>.txt}: a {@code subject:}
 * line, a {@code ---} line, then the plain-text body. {@code {{name}}} placeholders are filled from
 * the variables; a placeholder without a value is an error, never an empty gap in a live email.
 */
@Component
public class EmailTemplates {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([\\w.]+)\\s*}}");
  private static final String ROOT = "templates/email/";

  public RenderedEmail render(String template, Map<String, String> variables) {
    String source = load(template);
    int separator = source.indexOf("\n---\n");
    if (!source.startsWith("subject:") || separator < 0) {
      throw new TemplateException(
          "template " + template + " must start with 'subject:' and have a '---' line");
    }
    String subject = source.substring("subject:".length(), separator).trim();
    String body = source.substring(separator + "\n---\n".length());
    return new RenderedEmail(
        fill(template, subject, variables), fill(template, body, variables).strip() + "\n");
  }

  public boolean exists(String template) {
    return getClass().getClassLoader().getResource(ROOT + template + ".txt") != null;
  }

  private String load(String template) {
    if (!template.matches("[a-z0-9-]+/[a-z0-9-]+")) {
      throw new TemplateException("invalid template name " + template);
    }
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream(ROOT + template + ".txt")) {
      if (in == null) {
        throw new TemplateException("no template " + template);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
    } catch (IOException e) {
      throw new TemplateException("cannot read template " + template + ": " + e.getMessage());
    }
  }

  private static String fill(String template, String text, Map<String, String> variables) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = variables.get(m.group(1));
      if (value == null) {
        throw new TemplateException("template " + template + " needs variable " + m.group(1));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
