package dev.retention.data.scoring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A {@link HealthModel} as SQL expressions over named parameters, so a statement scores set-based
 * with the model's weights, tiers and bands (never constants in the SQL): the same exact decimal
 * arithmetic and rounding as {@link HealthModel#score}, tier bounds compared as doubles like the
 * Java path. The expressions are CASEs over the model's parameters (their number follows the
 * model's tiers), as fast as the constants they replace. Parameter names start with {@code hm_}.
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
    List<HealthModel.Band> bands = model.bands();
    for (int k = 0; k < bands.size(); k++) {
      p.put("hm_band_min_" + k, bands.get(k).min());
      p.put("hm_band_name_" + k, bands.get(k).band().name());
    }
    return p;
  }

  String usage(String queries, String features) {
    return "(("
        + tier("queries", queries, model.queriesPerWeek())
        + " + "
        + tier("features", features, model.featuresUsed())
        + ") / 2.0)";
  }

  String engagement(String logins, String openRate) {
    return "(("
        + tier("logins", logins, model.loginsPerWeek())
        + " + "
        + tier("opens", openRate, model.emailOpenRate())
        + ") / 2.0)";
  }

  String support(String tickets, String sentiment) {
    return "(("
        + tier("tickets", tickets, model.openTickets())
        + " + (case "
        + sentiment
        + " when 'NEGATIVE' then cast(:hm_negative as integer)"
        + " when 'NEUTRAL' then cast(:hm_neutral as integer)"
        + " else cast(:hm_positive as integer) end)) / 2.0)";
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

  /** The band whose min is the highest at or below the score. */
  String band(String score) {
    StringBuilder sql = new StringBuilder("(case");
    for (int k = model.bands().size() - 1; k >= 1; k--) {
      sql.append(" when ")
          .append(score)
          .append(" >= cast(:hm_band_min_")
          .append(k)
          .append(" as integer) then cast(:hm_band_name_")
          .append(k)
          .append(" as text)");
    }
    return sql.append(" else cast(:hm_band_name_0 as text) end)").toString();
  }

  /**
   * The score of the last tier whose {@code from} is at most the value, as a CASE over the tiers'
   * parameters (the model decides how many; the first starts at 0, so it takes what is left).
   */
  private static String tier(String metric, String value, List<HealthModel.Tier> tiers) {
    StringBuilder sql = new StringBuilder("(case");
    for (int k = tiers.size() - 1; k >= 1; k--) {
      sql.append(" when cast(")
          .append(value)
          .append(" as float8) >= cast(:hm_")
          .append(metric)
          .append("_from_")
          .append(k)
          .append(" as float8) then cast(:hm_")
          .append(metric)
          .append("_score_")
          .append(k)
          .append(" as integer)");
    }
    return sql.append(" else cast(:hm_")
        .append(metric)
        .append("_score_0 as integer) end)")
        .toString();
  }

  private static void tiers(Map<String, Object> p, String metric, List<HealthModel.Tier> tiers) {
    for (int k = 0; k < tiers.size(); k++) {
      p.put("hm_" + metric + "_from_" + k, tiers.get(k).from());
      p.put("hm_" + metric + "_score_" + k, tiers.get(k).score());
    }
  }
}
