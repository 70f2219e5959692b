package dev.retention.activities.scoring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A {@link HealthModel} as SQL expressions over named parameters, so a statement scores set-based
 * with the model's weights, tiers and bands (never constants in the SQL): the same exact decimal
 * arithmetic and rounding as {@link HealthModel#score}, tier bounds compared as doubles like the
 * Java path. Parameter names start with {@code hm_}.
 */
final class HealthModelSql {

  private final HealthModel model;

  HealthModelSql(HealthModel model) {
    this.model = model;
  }

  /** Binds the model's parameters to a statement that uses these expressions. */
  JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
    JdbcClient.StatementSpec s = statement;
    for (Map.Entry<String, Object> p : params().entrySet()) {
      s = s.param(p.getKey(), p.getValue());
    }
    return s;
  }

  Map<String, Object> params() {
    Map<String, Object> p = new LinkedHashMap<>();
    tiers(p, "queries", model.queriesPerWeek());
    tiers(p, "features", model.featuresUsed());
    tiers(p, "logins", model.loginsPerWeek());
    tiers(p, "opens", model.emailOpenRate());
    tiers(p, "tickets", model.openTickets());
    p.put("hm_negative", model.sentiment().get(Sentiment.NEGATIVE));
    p.put("hm_neutral", model.sentiment().get(Sentiment.NEUTRAL));
    p.put("hm_positive", model.sentiment().get(Sentiment.POSITIVE));
    p.put("hm_w_usage", model.usageWeight());
    p.put("hm_w_engagement", model.engagementWeight());
    p.put("hm_w_support", model.supportWeight());
    p.put("hm_band_min", model.bands().stream().mapToInt(HealthModel.Band::min).toArray());
    p.put("hm_band_name", model.bands().stream().map(b -> b.band().name()).toArray(String[]::new));
    return p;
  }

  static String usage(String queries, String features) {
    return "((" + tier("queries", queries) + " + " + tier("features", features) + ") / 2.0)";
  }

  static String engagement(String logins, String openRate) {
    return "((" + tier("logins", logins) + " + " + tier("opens", openRate) + ") / 2.0)";
  }

  static String support(String tickets, String sentiment) {
    return "(("
        + tier("tickets", tickets)
        + " + (case "
        + sentiment
        + " when 'NEGATIVE' then :hm_negative when 'NEUTRAL' then :hm_neutral"
        + " else :hm_positive end)) / 2.0)";
  }

  /** Rounded half up to a tenth, then to a whole point, as the Java path does. */
  static String score(String usage, String engagement, String support) {
    return "cast(round(round("
        + usage
        + " * cast(:hm_w_usage as numeric) + "
        + engagement
        + " * cast(:hm_w_engagement as numeric) + "
        + support
        + " * cast(:hm_w_support as numeric), 1)) as integer)";
  }

  static String band(String score) {
    return "(select hm_b.hm_name from unnest(cast(:hm_band_min as int[]),"
        + " cast(:hm_band_name as text[])) as hm_b(hm_min, hm_name) where "
        + score
        + " >= hm_b.hm_min order by hm_b.hm_min desc limit 1)";
  }

  private static String tier(String metric, String value) {
    // The columns' names cannot shadow the value's (an unqualified "f" would be the tier's own).
    return "(select hm_t.hm_score from unnest(cast(:hm_"
        + metric
        + "_from as float8[]), cast(:hm_"
        + metric
        + "_score as int[])) as hm_t(hm_from, hm_score) where cast("
        + value
        + " as float8) >= hm_t.hm_from order by hm_t.hm_from desc limit 1)";
  }

  private static void tiers(Map<String, Object> p, String metric, List<HealthModel.Tier> tiers) {
    p.put("hm_" + metric + "_from", tiers.stream().mapToDouble(HealthModel.Tier::from).toArray());
    p.put("hm_" + metric + "_score", tiers.stream().mapToInt(HealthModel.Tier::score).toArray());
  }
}
