package dev.retention.api.definitions;

import dev.retention.activities.email.EmailComposer;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.email.templates.RenderedEmail;
import dev.retention.activities.email.templates.TemplateException;
import dev.retention.api.input.Ids;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.data.customers.Csm;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.workflows.engine.DefinitionProblem;
import dev.retention.workflows.engine.DefinitionValidator;
import dev.retention.workflows.engine.PlaybookDefinition;
import dev.retention.workflows.engine.TemplateOverrides;
import dev.retention.workflows.ports.TemplateText;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * The email templates of a definition version as a CS lead edits them: per template its text in
 * each locale (the version's own, or the shipped file's) with the variables its emails are given;
 * and a preview of one for a real customer, rendered by the composer that sends, footer included.
 */
@Service
public class PlaybookTemplates {

  /** Where a locale's text comes from. */
  public static final String FROM_DEFINITION = "definition";

  public static final String FROM_FILE = "file";

  private final DefinitionValidator validator;
  private final EmailTemplates templates;
  private final EmailComposer composer;
  private final CustomerDirectory directory;
  private final Access access;
  private final Map<String, String> samples = loadSamples();

  PlaybookTemplates(
      DefinitionValidator validator,
      EmailTemplates templates,
      EmailComposer composer,
      CustomerDirectory directory,
      Access access) {
    this.validator = validator;
    this.templates = templates;
    this.composer = composer;
    this.directory = directory;
    this.access = access;
  }

  /**
   * One locale's text of a template and where it comes from ({@code definition} or {@code file}).
   */
  public record LocaleText(String subject, String text, String html, String source) {}

  /** A template the version's emails use: its variables and its text per locale. */
  public record Effective(String name, List<String> variables, Map<String, LocaleText> locales) {}

  /** One email as the customer would get it. */
  public record Preview(
      String template,
      String customerId,
      String locale,
      String from,
      String to,
      String subject,
      String text,
      String html) {}

  /** The templates the version's email and alert steps use, in name order. */
  public List<Effective> effective(PlaybookDefinition definition) {
    List<Effective> out = new ArrayList<>();
    validator
        .templatesUsed(definition)
        .forEach(
            (name, variables) -> {
              Map<String, TemplateText> written = definition.templateOverride(name);
              Map<String, LocaleText> locales = new LinkedHashMap<>();
              for (String locale : definition.locales()) {
                TemplateText own = written == null ? null : written.get(locale);
                if (own != null) {
                  locales.put(
                      locale,
                      new LocaleText(own.subject(), own.text(), own.html(), FROM_DEFINITION));
                  continue;
                }
                TemplateText file = templates.fileText(name, locale);
                if (file != null) {
                  locales.put(
                      locale, new LocaleText(file.subject(), file.text(), file.html(), FROM_FILE));
                }
              }
              out.add(new Effective(name, List.copyOf(variables), locales));
            });
    return out;
  }

  /**
   * One template of the version rendered for a real customer: in {@code locale} when given (one of
   * the version's), else in the customer's; with {@code edited} in place of that locale's text when
   * given. Bad input is a 400 naming the field (an unknown template: {@code /template}); an unknown
   * customer a 404; a customer outside the caller's portfolio a 403.
   */
  public Preview preview(
      PlaybookDefinition definition,
      String template,
      String customerId,
      String locale,
      TemplateText edited) {
    if (template == null || template.isBlank()) {
      throw pointed("template", "/template", "name the template to preview, such as at-risk/day-3");
    }
    Set<String> offered = offered(definition, template);
    if (customerId == null || customerId.isBlank()) {
      throw ApiProblem.invalid("customerId", "customerId is required: whose email to preview");
    }
    Ids.check("customerId", customerId);
    if (locale != null && !definition.locales().contains(locale)) {
      throw pointed(
          "locale",
          "/locale",
          "'"
              + locale
              + "' is not one of this playbook's locales ("
              + String.join(", ", definition.locales())
              + ")");
    }
    access.customer(customerId);
    Customer found =
        directory
            .findCustomer(customerId)
            .orElseThrow(() -> ApiProblem.notFound("Customer", "no customer " + customerId));
    Customer customer = directory.addressed(found);
    Csm csm =
        directory
            .findCsm(customer.csmId())
            .orElseThrow(() -> ApiProblem.notFound("CSM", "no CSM " + customer.csmId()));
    String target = locale != null ? locale : localeFor(definition, customer.locale());
    Map<String, TemplateText> override = override(definition, template, target, edited, offered);
    Customer shown = locale == null ? customer : inLocale(customer, locale);
    EmailComposer.Composed email;
    try {
      email =
          composer.toCustomer(template, override.isEmpty() ? null : override, shown, csm, samples);
    } catch (TemplateException e) {
      throw pointed("template", "/template", e.getMessage());
    }
    RenderedEmail rendered = email.content();
    return new Preview(
        template,
        customerId,
        rendered.locale(),
        csm.name() + " <" + csm.email() + ">",
        customer.name() + " <" + customer.email() + ">",
        rendered.subject(),
        rendered.text(),
        rendered.html());
  }

  /** The variables the version's emails offer this template; a 400 when none uses it. */
  private Set<String> offered(PlaybookDefinition definition, String template) {
    Map<String, Set<String>> used = validator.templatesUsed(definition);
    Set<String> offered = used.get(template);
    if (offered == null) {
      throw pointed(
          "template",
          "/template",
          "no email of this version uses the template '"
              + template
              + "'; it uses "
              + String.join(", ", used.keySet()));
    }
    return offered;
  }

  /** The version's own text of the template per locale, with the edited one in its locale. */
  private static Map<String, TemplateText> override(
      PlaybookDefinition definition,
      String template,
      String target,
      TemplateText edited,
      Set<String> offered) {
    Map<String, TemplateText> override = new TreeMap<>();
    Map<String, TemplateText> written = definition.templateOverride(template);
    if (written != null) {
      override.putAll(written);
    }
    if (edited != null) {
      List<DefinitionProblem> problems = TemplateOverrides.problems(edited, "", offered);
      if (!problems.isEmpty()) {
        DefinitionProblem first = problems.getFirst();
        throw new ApiProblem(
            HttpStatus.BAD_REQUEST,
            "Invalid template",
            first.message(),
            first.pointer().substring(1),
            Map.of("pointer", first.pointer(), "problems", problems));
      }
      override.put(target, edited);
    }
    return override;
  }

  private static Customer inLocale(Customer customer, String locale) {
    return new Customer(
        customer.id(),
        customer.name(),
        customer.email(),
        customer.csmId(),
        customer.plan(),
        customer.mrr(),
        customer.planUsageLimit(),
        customer.timezone(),
        locale);
  }

  /**
   * The version's locale a customer's emails are written in: theirs, its language, else English.
   */
  static String localeFor(PlaybookDefinition definition, String customerLocale) {
    if (customerLocale != null) {
      String tag = Locale.forLanguageTag(customerLocale.replace('_', '-')).toLanguageTag();
      if (definition.locales().contains(tag)) {
        return tag;
      }
      String language = Locale.forLanguageTag(tag).getLanguage();
      if (definition.locales().contains(language)) {
        return language;
      }
    }
    return definition.locales().contains(EmailTemplates.FALLBACK_LOCALE)
        ? EmailTemplates.FALLBACK_LOCALE
        : definition.locales().getFirst();
  }

  private static ApiProblem pointed(String field, String pointer, String detail) {
    return new ApiProblem(
        HttpStatus.BAD_REQUEST, "Invalid request", detail, field, Map.of("pointer", pointer));
  }

  private static Map<String, String> loadSamples() {
    Properties props = new Properties();
    try (InputStream in =
        PlaybookTemplates.class
            .getClassLoader()
            .getResourceAsStream("templates/preview-variables.properties")) {
      if (in != null) {
        props.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> samples = new TreeMap<>();
    props.forEach((k, v) -> samples.put(k.toString(), v.toString()));
    return samples;
  }
}
