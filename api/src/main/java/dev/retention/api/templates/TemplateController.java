package dev.retention.api.templates;

import dev.retention.activities.email.EmailComposer;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.email.templates.RenderedEmail;
import dev.retention.activities.email.templates.TemplateException;
import dev.retention.api.customers.Customers;
import dev.retention.api.input.Ids;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.data.customers.Csm;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Renders a playbook step's email for review exactly as it would go out (unsubscribe link
 * included): the customer's own data, their CSM as sender, in the customer's locale, with sample
 * values for the step's figures.
 */
@Tag(name = "templates")
@RestController
class TemplateController {

  private static final Pattern PART = Pattern.compile("[a-z0-9-]{1,40}");

  private final EmailTemplates templates;
  private final EmailComposer composer;
  private final CustomerDirectory directory;
  private final Customers customers;
  private final Access access;
  private final Map<String, String> samples = loadSamples();

  TemplateController(
      EmailTemplates templates,
      EmailComposer composer,
      CustomerDirectory directory,
      Customers customers,
      Access access) {
    this.access = access;
    this.templates = templates;
    this.composer = composer;
    this.directory = directory;
    this.customers = customers;
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

  @Operation(
      operationId = "previewTemplate",
      summary = "Preview an email template",
      description =
          "The subject, text and HTML a playbook step's email would have for the given "
              + "customer (customerId is required), in the customer's language, with the "
              + "variables filled in.")
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
    Customer customer = customers.get(customerId);
    Csm csm = directory.findCsm(customer.csmId()).orElseThrow();
    String template = playbook + "/" + step;
    if (!templates.exists(template, EmailTemplates.FALLBACK_LOCALE)) {
      throw ApiProblem.notFound("Template", "no email template " + template);
    }
    EmailComposer.Composed email;
    try {
      // The very composer that sends: the preview carries the same unsubscribe link.
      email = composer.toCustomer(template, customer, csm, samples);
    } catch (TemplateException e) {
      throw ApiProblem.invalid("template", e.getMessage());
    }
    RenderedEmail rendered = email.content();
    return new Preview(
        template,
        rendered.locale(),
        csm.name() + " <" + csm.email() + ">",
        customer.name() + " <" + customer.email() + ">",
        rendered.subject(),
        rendered.text(),
        rendered.html(),
        new TreeMap<>(email.variables()));
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
