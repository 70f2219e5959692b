package dev.retention.data.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The health model as data (docs/playbooks.md, "Health score"; the format is
 * docs/health-model.schema.json): three components (usage, engagement, support) with weights that
 * sum to 1, each the mean of its two metrics' sub-scores; each counted metric scored by tiers (the
 * score of the last tier whose {@code from} is at most the value), sentiment by a score per value;
 * the weighted sum rounded half up to a tenth and then to a whole point; the bands cut 0–100 into
 * critical, at risk, neutral and healthy. The shipped default is {@code health/default-model.json}.
 *
 * <p>Arithmetic is exact decimal (the weights as written), so the set-based SQL of {@link
 * BatchScoring} and this class agree on every input.
 */
public record HealthModel(
    BigDecimal usageWeight,
    BigDecimal engagementWeight,
    BigDecimal supportWeight,
    List<Tier> queriesPerWeek,
    List<Tier> featuresUsed,
    List<Tier> loginsPerWeek,
    List<Tier> emailOpenRate,
    List<Tier> openTickets,
    Map<Sentiment, Integer> sentiment,
    List<Band> bands) {

  /** The format version this code reads and writes. */
  public static final int FORMAT = 1;

  /** The most tiers a metric may have. */
  static final int MAX_TIERS = 20;

  public static final String DEFAULT_RESOURCE = "/health/default-model.json";

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** From a tier's {@code from} up to the next tier's, the metric scores {@code score}. */
  public record Tier(double from, int score) {}

  /** A band and the scores it holds, {@code min} to {@code max} inclusive. */
  public record Band(HealthBand band, int min, int max) {}

  /** A model refused: the JSON pointer of the first problem and what is wrong there. */
  public static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String pointer;

    Invalid(String pointer, String detail) {
      super(detail);
      this.pointer = pointer;
    }

    /** Where in the model, as an RFC 6901 JSON pointer ({@code /components/usage/weight}). */
    public String pointer() {
      return pointer;
    }
  }

  public HealthModel {
    queriesPerWeek = List.copyOf(queriesPerWeek);
    featuresUsed = List.copyOf(featuresUsed);
    loginsPerWeek = List.copyOf(loginsPerWeek);
    emailOpenRate = List.copyOf(emailOpenRate);
    openTickets = List.copyOf(openTickets);
    sentiment = Map.copyOf(sentiment);
    bands = List.copyOf(bands);
  }

  /** The shipped default (the seed formula with the zero-use tiers). */
  public static HealthModel defaults() {
    return Defaults.MODEL;
  }

  /** Read on first use, after every static field of the model is set. */
  private static final class Defaults {
    static final HealthModel MODEL = parse(defaultJson());
  }

  /** The shipped default as written in the repository. */
  public static String defaultJson() {
    try (InputStream in = HealthModel.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      return new String(
          Objects.requireNonNull(in, DEFAULT_RESOURCE).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public HealthScore score(HealthMetrics m) {
    double usage =
        mean(tier(queriesPerWeek, m.queriesPerWeek()), tier(featuresUsed, m.featuresUsed()));
    double engagement =
        mean(tier(loginsPerWeek, m.loginsPerWeek()), tier(emailOpenRate, m.emailOpenRate()));
    double support =
        mean(
            tier(openTickets, m.openTickets()),
            Objects.requireNonNull(sentiment.get(m.sentiment())));
    // Components are halves of whole numbers, exact in a double and in BigDecimal.
    BigDecimal weighted =
        BigDecimal.valueOf(usage)
            .multiply(usageWeight)
            .add(BigDecimal.valueOf(engagement).multiply(engagementWeight))
            .add(BigDecimal.valueOf(support).multiply(supportWeight));
    int score =
        weighted
            .setScale(1, RoundingMode.HALF_UP)
            .setScale(0, RoundingMode.HALF_UP)
            .intValueExact();
    return new HealthScore(
        score, band(score), new HealthScore.Components(usage, engagement, support));
  }

  /** The band a score (0–100) falls in. */
  public HealthBand band(int score) {
    for (Band b : bands) {
      if (score >= b.min() && score <= b.max()) {
        return b.band();
      }
    }
    throw new IllegalArgumentException("score out of 0-100: " + score);
  }

  /** The lowest score of a band. */
  public int min(HealthBand band) {
    return bands.stream().filter(b -> b.band() == band).findFirst().orElseThrow().min();
  }

  static int tier(List<Tier> tiers, double value) {
    int score = tiers.getFirst().score();
    for (Tier t : tiers) {
      if (value >= t.from()) {
        score = t.score();
      }
    }
    return score;
  }

  private static double mean(int a, int b) {
    return (a + b) / 2.0;
  }

  // ---------------------------------------------------------------- reading and validating

  private static final Map<String, List<String>> COMPONENTS =
      Map.of(
          "usage", List.of("queriesPerWeek", "featuresUsed"),
          "engagement", List.of("loginsPerWeek", "emailOpenRate"),
          "support", List.of("openTickets", "sentiment"));

  private static final List<String> COMPONENT_ORDER = List.of("usage", "engagement", "support");

  /**
   * Reads and validates a model. Refused ({@link Invalid}, naming the place with a JSON pointer):
   * anything but the format's members, weights outside 0–1 or not summing to exactly 1, tiers not
   * starting at 0 or not strictly ascending, tier scores outside 0–100, a sentiment without a
   * score, and bands that do not cover 0–100 once each, in the order critical, at risk, neutral,
   * healthy, without gap or overlap.
   */
  public static HealthModel parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new Invalid("", "the model is not valid JSON: " + e.getOriginalMessage());
    }
    return parse(root);
  }

  public static HealthModel parse(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new Invalid("", "the model must be a JSON object");
    }
    only(root, "", Set.of("format", "components", "bands"));
    JsonNode format = required(root, "", "format");
    if (!format.isIntegralNumber() || format.intValue() != FORMAT) {
      throw new Invalid("/format", "format must be " + FORMAT);
    }
    JsonNode components = required(root, "", "components");
    object(components, "/components");
    only(components, "/components", COMPONENTS.keySet());
    Map<String, BigDecimal> weights = new java.util.HashMap<>();
    Map<String, JsonNode> metrics = new java.util.HashMap<>();
    BigDecimal sum = BigDecimal.ZERO;
    for (String name : COMPONENT_ORDER) {
      String at = "/components/" + name;
      JsonNode component = required(components, "/components", name);
      object(component, at);
      only(component, at, Set.of("weight", "metrics"));
      JsonNode weight = required(component, at, "weight");
      if (!weight.isNumber()
          || weight.decimalValue().signum() < 0
          || weight.decimalValue().compareTo(BigDecimal.ONE) > 0) {
        throw new Invalid(at + "/weight", "weight must be a number from 0 to 1");
      }
      if (weight.decimalValue().scale() > 4) {
        throw new Invalid(at + "/weight", "weight may have at most 4 decimals");
      }
      weights.put(name, weight.decimalValue());
      sum = sum.add(weight.decimalValue());
      JsonNode ms = required(component, at, "metrics");
      object(ms, at + "/metrics");
      only(ms, at + "/metrics", Set.copyOf(COMPONENTS.get(name)));
      for (String metric : COMPONENTS.get(name)) {
        metrics.put(metric, required(ms, at + "/metrics", metric));
      }
    }
    if (sum.compareTo(BigDecimal.ONE) != 0) {
      throw new Invalid(
          "/components",
          "the weights of usage, engagement and support must sum to 1; they sum to "
              + sum.stripTrailingZeros().toPlainString());
    }
    String usage = "/components/usage/metrics/";
    String engagement = "/components/engagement/metrics/";
    String support = "/components/support/metrics/";
    return new HealthModel(
        weights.get("usage"),
        weights.get("engagement"),
        weights.get("support"),
        tiers(metrics.get("queriesPerWeek"), usage + "queriesPerWeek", true),
        tiers(metrics.get("featuresUsed"), usage + "featuresUsed", true),
        tiers(metrics.get("loginsPerWeek"), engagement + "loginsPerWeek", true),
        tiers(metrics.get("emailOpenRate"), engagement + "emailOpenRate", false),
        tiers(metrics.get("openTickets"), support + "openTickets", true),
        sentiment(metrics.get("sentiment"), support + "sentiment"),
        bands(required(root, "", "bands")));
  }

  private static List<Tier> tiers(JsonNode node, String at, boolean counted) {
    if (!node.isArray() || node.isEmpty()) {
      throw new Invalid(at, "tiers must be a non-empty array of {from, score}");
    }
    if (node.size() > MAX_TIERS) {
      throw new Invalid(at, "at most " + MAX_TIERS + " tiers");
    }
    List<Tier> tiers = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String here = at + "/" + i;
      JsonNode tier = node.get(i);
      object(tier, here);
      only(tier, here, Set.of("from", "score"));
      JsonNode from = required(tier, here, "from");
      if (!from.isNumber() || from.decimalValue().signum() < 0) {
        throw new Invalid(here + "/from", "from must be a number of 0 or more");
      }
      if (counted && !isWhole(from)) {
        throw new Invalid(here + "/from", "from must be a whole number (the metric is a count)");
      }
      if (!counted && from.decimalValue().compareTo(BigDecimal.ONE) > 0) {
        throw new Invalid(here + "/from", "from must be from 0 to 1 (the metric is a rate)");
      }
      if (counted && from.decimalValue().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
        throw new Invalid(here + "/from", "from is too large");
      }
      double value = from.decimalValue().doubleValue();
      if (i == 0 && value != 0) {
        throw new Invalid(here + "/from", "the first tier must start at 0, so every value has one");
      }
      if (i > 0 && value <= tiers.get(i - 1).from()) {
        throw new Invalid(
            here + "/from",
            "tiers must be in ascending order without overlap: from "
                + from.decimalValue().toPlainString()
                + " is not above the previous tier's");
      }
      tiers.add(new Tier(value, score(tier, here)));
    }
    return tiers;
  }

  private static Map<Sentiment, Integer> sentiment(JsonNode node, String at) {
    object(node, at);
    Set<String> names = new java.util.LinkedHashSet<>();
    for (Sentiment s : Sentiment.values()) {
      names.add(s.name());
    }
    only(node, at, names);
    Map<Sentiment, Integer> scores = new EnumMap<>(Sentiment.class);
    for (Sentiment s : Sentiment.values()) {
      required(node, at, s.name());
      scores.put(s, score(node, at, s.name()));
    }
    return scores;
  }

  private static List<Band> bands(JsonNode node) {
    HealthBand[] order = {
      HealthBand.CRITICAL, HealthBand.AT_RISK, HealthBand.NEUTRAL, HealthBand.HEALTHY
    };
    if (!node.isArray() || node.size() != order.length) {
      throw new Invalid(
          "/bands", "bands must list CRITICAL, AT_RISK, NEUTRAL and HEALTHY, lowest first");
    }
    List<Band> bands = new ArrayList<>();
    int expectedMin = 0;
    for (int i = 0; i < order.length; i++) {
      String here = "/bands/" + i;
      JsonNode band = node.get(i);
      object(band, here);
      only(band, here, Set.of("band", "min", "max"));
      JsonNode name = required(band, here, "band");
      if (!name.isString() || !name.stringValue().equals(order[i].name())) {
        throw new Invalid(
            here + "/band",
            "band "
                + i
                + " must be "
                + order[i].name()
                + " (bands go CRITICAL, AT_RISK, NEUTRAL, HEALTHY, lowest first)");
      }
      int min = whole(required(band, here, "min"), here + "/min");
      int max = whole(required(band, here, "max"), here + "/max");
      if (min != expectedMin) {
        throw new Invalid(
            here + "/min",
            order[i].name()
                + " must start at "
                + expectedMin
                + (i == 0 ? "" : ", right after " + order[i - 1].name())
                + " (bands cover 0-100 without gap or overlap)");
      }
      if (max < min) {
        throw new Invalid(here + "/max", order[i].name() + " must hold at least one score");
      }
      bands.add(new Band(order[i], min, max));
      expectedMin = max + 1;
    }
    if (expectedMin != 101) {
      throw new Invalid("/bands/3/max", "HEALTHY must end at 100 (bands cover 0-100)");
    }
    return bands;
  }

  private static int score(JsonNode parent, String at, String name) {
    return scoreOf(parent.get(name), at + "/" + name);
  }

  private static int score(JsonNode tier, String here) {
    return scoreOf(required(tier, here, "score"), here + "/score");
  }

  private static int scoreOf(JsonNode node, String at) {
    int score = whole(node, at);
    if (score < 0 || score > 100) {
      throw new Invalid(at, "a score must be a whole number from 0 to 100");
    }
    return score;
  }

  private static int whole(JsonNode node, String at) {
    if (!node.isNumber() || !isWhole(node) || !node.canConvertToInt()) {
      throw new Invalid(at, "must be a whole number");
    }
    return node.decimalValue().intValueExact();
  }

  private static boolean isWhole(JsonNode number) {
    return number.isIntegralNumber() || number.decimalValue().stripTrailingZeros().scale() <= 0;
  }

  private static JsonNode required(JsonNode parent, String at, String name) {
    JsonNode value = parent.get(name);
    if (value == null || value.isNull()) {
      throw new Invalid(at + "/" + name, name + " is required");
    }
    return value;
  }

  private static void object(JsonNode node, String at) {
    if (!node.isObject()) {
      throw new Invalid(at, "must be a JSON object");
    }
  }

  private static void only(JsonNode node, String at, Set<String> allowed) {
    for (String name : node.propertyNames()) {
      if (!allowed.contains(name)) {
        throw new Invalid(
            at + "/" + name.replace("~", "~0").replace("/", "~1"),
            "unknown property "
                + name
                + "; allowed here: "
                + String.join(", ", new java.util.TreeSet<>(allowed)));
      }
    }
  }
}
