package dev.retention.activities.connectors.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the connector asks of HubSpot, in HubSpot's documented CRM v3 requests: the properties it
 * writes (created on first connect), tasks and notes on a company found by our step key before they
 * are created, company updates, owners and companies for the import, and the tasks completed since
 * a time.
 */
public class HubSpotCrm {

  /** HubSpot's default association types: task to company, note to company. */
  static final int TASK_TO_COMPANY = 192;

  static final int NOTE_TO_COMPANY = 190;

  static final String GROUP = "retention";
  static final String STEP_KEY = "step_key";

  /** The company properties we write, by our name: label and HubSpot type. */
  static final Map<String, String[]> COMPANY_PROPERTIES = new LinkedHashMap<>();

  static {
    COMPANY_PROPERTIES.put("health_score", new String[] {"Health score", "number", "number"});
    COMPANY_PROPERTIES.put("health_band", new String[] {"Health band", "string", "text"});
    COMPANY_PROPERTIES.put("health_trend", new String[] {"Health trend", "string", "text"});
    COMPANY_PROPERTIES.put("running_playbook", new String[] {"Running playbook", "string", "text"});
    COMPANY_PROPERTIES.put("playbook_stage", new String[] {"Playbook stage", "string", "text"});
  }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final HubSpotApi api;
  private final HubSpotSettings settings;

  public HubSpotCrm(HubSpotApi api, HubSpotSettings settings) {
    this.api = api;
    this.settings = settings;
  }

  /** A cheap authenticated read: one company. */
  public void check() {
    api.get("/crm/v3/objects/companies?limit=1");
  }

  /**
   * Creates our property group and properties where absent: the health and playbook properties on
   * companies, the step key on tasks and notes. Returns how many were created.
   */
  public int ensureProperties() {
    int created = 0;
    for (String type : List.of("companies", "tasks", "notes")) {
      ensureGroup(type);
    }
    for (Map.Entry<String, String[]> p : COMPANY_PROPERTIES.entrySet()) {
      created += ensureProperty("companies", p.getKey(), p.getValue());
    }
    String[] stepKey = {"Retention step key", "string", "text"};
    created += ensureProperty("tasks", STEP_KEY, stepKey);
    created += ensureProperty("notes", STEP_KEY, stepKey);
    return created;
  }

  private void ensureGroup(String type) {
    if (exists("/crm/v3/properties/" + type + "/groups/" + GROUP)) {
      return;
    }
    ObjectNode group = NODES.objectNode();
    group.put("name", GROUP);
    group.put("label", "Retention playbooks");
    api.post("/crm/v3/properties/" + type + "/groups", group);
  }

  private int ensureProperty(String type, String name, String[] spec) {
    String full = settings.property(name);
    if (exists("/crm/v3/properties/" + type + "/" + full)) {
      return 0;
    }
    ObjectNode property = NODES.objectNode();
    property.put("name", full);
    property.put("label", spec[0]);
    property.put("type", spec[1]);
    property.put("fieldType", spec[2]);
    property.put("groupName", GROUP);
    api.post("/crm/v3/properties/" + type, property);
    return 1;
  }

  private boolean exists(String path) {
    try {
      api.get(path);
      return true;
    } catch (HubSpotFailure e) {
      if (e.status() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** The id of the task or note carrying our step key, or null when HubSpot has none. */
  public String findByStepKey(String objectType, String stepKey) {
    ObjectNode search = NODES.objectNode();
    ObjectNode filter = search.putArray("filterGroups").addObject().putArray("filters").addObject();
    filter.put("propertyName", settings.property(STEP_KEY));
    filter.put("operator", "EQ");
    filter.put("value", stepKey);
    search.putArray("properties").add(settings.property(STEP_KEY));
    search.put("limit", 1);
    JsonNode results =
        api.post("/crm/v3/objects/" + objectType + "/search", search).path("results");
    return results.isEmpty() ? null : results.get(0).path("id").asText(null);
  }

  /** A task on the company, assigned to the owner when there is one; returns its id. */
  public String createTask(
      String stepKey,
      String companyId,
      String ownerId,
      String subject,
      String body,
      String priority,
      Instant due,
      boolean completed) {
    ObjectNode properties = NODES.objectNode();
    properties.put("hs_timestamp", due.toString());
    properties.put("hs_task_subject", subject);
    properties.put("hs_task_body", body);
    properties.put("hs_task_status", completed ? "COMPLETED" : "NOT_STARTED");
    properties.put("hs_task_priority", priority(priority));
    properties.put("hs_task_type", "TODO");
    if (ownerId != null) {
      properties.put("hubspot_owner_id", ownerId);
    }
    properties.put(settings.property(STEP_KEY), stepKey);
    return create("tasks", properties, companyId, TASK_TO_COMPANY);
  }

  /** A note on the company; returns its id. */
  public String createNote(String stepKey, String companyId, String body, Instant at) {
    ObjectNode properties = NODES.objectNode();
    properties.put("hs_timestamp", at.toString());
    properties.put("hs_note_body", body);
    properties.put(settings.property(STEP_KEY), stepKey);
    return create("notes", properties, companyId, NOTE_TO_COMPANY);
  }

  private String create(String type, ObjectNode properties, String companyId, int association) {
    ObjectNode object = NODES.objectNode();
    object.set("properties", properties);
    ObjectNode to = object.putArray("associations").addObject();
    to.putObject("to").put("id", companyId);
    ObjectNode kind = to.putArray("types").addObject();
    kind.put("associationCategory", "HUBSPOT_DEFINED");
    kind.put("associationTypeId", association);
    return api.post("/crm/v3/objects/" + type, object).path("id").asText();
  }

  /** Writes our properties (names without the prefix) on the company; null values clear them. */
  public void updateCompany(String companyId, Map<String, String> values) {
    ObjectNode properties = NODES.objectNode();
    values.forEach((name, value) -> properties.put(settings.property(name), value));
    ObjectNode body = NODES.objectNode();
    body.set("properties", properties);
    api.patch("/crm/v3/objects/companies/" + encode(companyId), body);
  }

  /** An owner: HubSpot's id and the user's email address. */
  public record Owner(String id, String email) {}

  public List<Owner> owners() {
    List<Owner> owners = new ArrayList<>();
    String after = null;
    do {
      JsonNode page =
          api.get("/crm/v3/owners?limit=100" + (after == null ? "" : "&after=" + encode(after)));
      for (JsonNode o : page.path("results")) {
        if (o.hasNonNull("email")) {
          owners.add(new Owner(o.path("id").asText(), o.path("email").asText()));
        }
      }
      after = page.path("paging").path("next").path("after").asText(null);
    } while (after != null);
    return owners;
  }

  /** A company: its id, domain and the value of the configured match property (or null). */
  public record Company(String id, String domain, String matchValue) {}

  public List<Company> companies(String matchProperty) {
    List<Company> companies = new ArrayList<>();
    String properties = "domain" + (matchProperty == null ? "" : "," + encode(matchProperty));
    String after = null;
    do {
      JsonNode page =
          api.get(
              "/crm/v3/objects/companies?limit=100&properties="
                  + properties
                  + (after == null ? "" : "&after=" + encode(after)));
      for (JsonNode c : page.path("results")) {
        JsonNode p = c.path("properties");
        companies.add(
            new Company(
                c.path("id").asText(),
                p.path("domain").asText(null),
                matchProperty == null ? null : p.path(matchProperty).asText(null)));
      }
      after = page.path("paging").path("next").path("after").asText(null);
    } while (after != null);
    return companies;
  }

  /** A task of ours HubSpot holds as completed, and when it last changed. */
  public record CompletedTask(String id, String stepKey, Instant modifiedAt) {}

  /**
   * Our tasks (those with a step key) completed in HubSpot and changed at or after {@code since},
   * oldest change first.
   */
  public List<CompletedTask> completedTasksSince(Instant since) {
    List<CompletedTask> tasks = new ArrayList<>();
    String after = null;
    do {
      ObjectNode search = NODES.objectNode();
      var filters = search.putArray("filterGroups").addObject().putArray("filters");
      ObjectNode ours = filters.addObject();
      ours.put("propertyName", settings.property(STEP_KEY));
      ours.put("operator", "HAS_PROPERTY");
      ObjectNode done = filters.addObject();
      done.put("propertyName", "hs_task_status");
      done.put("operator", "EQ");
      done.put("value", "COMPLETED");
      ObjectNode changed = filters.addObject();
      changed.put("propertyName", "hs_lastmodifieddate");
      changed.put("operator", "GTE");
      changed.put("value", Long.toString(since.toEpochMilli()));
      ObjectNode sort = search.putArray("sorts").addObject();
      sort.put("propertyName", "hs_lastmodifieddate");
      sort.put("direction", "ASCENDING");
      search
          .putArray("properties")
          .add(settings.property(STEP_KEY))
          .add("hs_task_status")
          .add("hs_lastmodifieddate");
      search.put("limit", 100);
      if (after != null) {
        search.put("after", after);
      }
      JsonNode page = api.post("/crm/v3/objects/tasks/search", search);
      for (JsonNode t : page.path("results")) {
        JsonNode p = t.path("properties");
        tasks.add(
            new CompletedTask(
                t.path("id").asText(),
                p.path(settings.property(STEP_KEY)).asText(null),
                instant(p.path("hs_lastmodifieddate").asText(null), since)));
      }
      after = page.path("paging").path("next").path("after").asText(null);
    } while (after != null);
    return tasks;
  }

  private static Instant instant(String value, Instant fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return Instant.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      try {
        return Instant.ofEpochMilli(Long.parseLong(value));
      } catch (NumberFormatException again) {
        return fallback;
      }
    }
  }

  /** Our priorities (URGENT, HIGH, NORMAL, LOW) as HubSpot's (HIGH, MEDIUM, LOW). */
  static String priority(String ours) {
    return switch (ours == null ? "" : ours) {
      case "URGENT", "HIGH" -> "HIGH";
      case "LOW" -> "LOW";
      default -> "MEDIUM";
    };
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
