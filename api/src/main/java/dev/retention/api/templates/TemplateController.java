package dev.retention.api.templates;

import dev.retention.activities.customers.Csm;
import dev.retention.activities.customers.Customer;
import dev.retention.activities.customers.CustomerDirectory;
import dev.retention.activities.email.EmailTemplates;
import dev.retention.activities.email.EmailVariables;
import dev.retention.activities.email.RenderedEmail;
import dev.retention.activities.email.TemplateException;
import dev.retention.api.input.Ids;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Renders a playbook step's email for review: the customer's own data, their CSM as sender, in the
 * customer's locale, with sample values for the step's figures.
 */
@RestController
class TemplateController {

  private static final Pattern PART = Pattern.compile("[a-z0-9-]{1,40}");

  private final EmailTemplates templates;
  private final EmailVariables variables;
  private final CustomerDirectory directory;
  private final Access access;
  private final Map<String, String> samples = loadSamples();

  TemplateController(
      EmailTemplates templates,
      EmailVariables variables,
      CustomerDirectory directory,
      Access access) {
    this.access = access;
    this.templates = templates;
    this.variables = variables;
    this.directory = directory;
  }

  record Preview(
      String template,
      String locale,
      String from,
      String to,
      String subject,
      String text,
      String html,
      Map<String, String> variables) {}

  @GetMapping("/api/templates/{playbook}/{step}/preview")
  Preview preview(
      @PathVariable String playbook,
      @PathVariable String step,
      @RequestParam(required = false) String customerId) {
    if (customerId == null) {
      throw ApiProblem.invalid("customerId", "customerId is required: whose email to preview");
    }
    Ids.check("customerId", customerId);
    access.customer(customerId);
    if (!PART.matcher(playbook).matches() || !PART.matcher(step).matches()) {
      throw ApiProblem.invalid("template", "playbook and step are lower-case words with '-'");
    }
    Customer customer =
        directory
            .findCustomer(customerId)
            .orElseThrow(() -> ApiProblem.notFound("Customer", "no customer " + customerId));
    Csm csm = directory.findCsm(customer.csmId()).orElseThrow();
    String template = playbook + "/" + step;
    if (!templates.exists(template, EmailTemplates.FALLBACK_LOCALE)) {
      throw ApiProblem.notFound("Template", "no email template " + template);
    }
    Map<String, String> vars = variables.of(customer, csm, samples);
    RenderedEmail rendered;
    try {
      rendered =
          templates.render(template, customer.locale(), ZoneId.of(customer.timezone()), vars);
    } catch (TemplateException e) {
      throw ApiProblem.invalid("template", e.getMessage());
    }
    return new Preview(
        template,
        rendered.locale(),
        csm.name() + " <" + csm.email() + ">",
        customer.name() + " <" + customer.email() + ">",
        rendered.subject(),
        rendered.text(),
        rendered.html(),
        new TreeMap<>(vars));
  }

  private static Map<String, String> loadSamples() {
    Properties props = new Properties();
    try (InputStream in =
        TemplateController.class
            .getClassLoader()
            .getResourceAsStream("templates/preview-variables.properties")) {
      if (in != null) {
        props.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> samples = new TreeMap<>();
    props.forEach((k, v) -> samples.put(k.toString(), v.toString()));
    return samples;
  }
}
