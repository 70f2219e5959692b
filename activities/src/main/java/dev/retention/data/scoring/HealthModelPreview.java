package dev.retention.data.scoring;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * What a model would do before it is published: every customer's latest score re-computed, in one
 * statement, with the candidate model from the metrics stored with it (a score the backend sent
 * itself keeps its number and only meets the candidate's bands), against the band the customer is
 * in now. Nothing is stored.
 */
@Service
public class HealthModelPreview {

  /** The most changes listed; {@link Result#changed()} counts them all. */
  public static final int MAX_LISTED = 500;

  private final JdbcClient jdbc;

  public HealthModelPreview(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A customer whose band the candidate changes. */
  public record Change(
      String customerId, int oldScore, HealthBand oldBand, int newScore, HealthBand newBand) {}

  /**
   * {@code customers} scored customers, {@code changed} of them in another band ({@code changes},
   * by customer id, the first {@value #MAX_LISTED}), {@code scoreChanged} with another score.
   */
  public record Result(int customers, int changed, int scoreChanged, List<Change> changes) {}

  public Result preview(HealthModel candidate) {
    HealthModelSql sql = new HealthModelSql(candidate);
    String usage = sql.usage("l.queries_per_week", "l.features_used");
    String engagement = sql.engagement("l.logins_per_week", "l.email_open_rate");
    String support = sql.support("l.open_tickets", "l.sentiment");
    String statement =
        """
        with latest as (
          select distinct on (h.customer_id) h.customer_id, h.score, h.band, h.source,
            h.queries_per_week, h.features_used, h.logins_per_week,
            cast(h.email_open_rate as float8) as email_open_rate, h.open_tickets, h.sentiment
          from health_scores h
          order by h.customer_id, h.scored_at desc, h.id desc
        ),
        rescored as (
          select l.customer_id, l.score as old_score, l.band as old_band,
            case when l.source = 'BACKEND' then l.score else {score} end as new_score
          from latest l
        ),
        banded as (
          select r.*, {band} as new_band from rescored r
        )
        select customer_id, old_score, old_band, new_score, new_band,
          count(*) over () as customers,
          count(*) filter (where new_band <> old_band) over () as changed,
          count(*) filter (where new_score <> old_score) over () as score_changed,
          new_band <> old_band as band_changed
        from banded
        order by band_changed desc, customer_id
        limit {limit}
        """
            .replace("{score}", HealthModelSql.score(usage, engagement, support))
            .replace("{band}", sql.band("r.new_score"))
            .replace("{limit}", Integer.toString(MAX_LISTED));
    int[] totals = new int[3];
    List<Change> changes =
        sql
            .bind(jdbc.sql(statement))
            .query(
                (rs, i) -> {
                  totals[0] = rs.getInt("customers");
                  totals[1] = rs.getInt("changed");
                  totals[2] = rs.getInt("score_changed");
                  return rs.getBoolean("band_changed")
                      ? new Change(
                          rs.getString("customer_id"),
                          rs.getInt("old_score"),
                          HealthBand.valueOf(rs.getString("old_band")),
                          rs.getInt("new_score"),
                          HealthBand.valueOf(rs.getString("new_band")))
                      : null;
                })
            .list()
            .stream()
            .filter(java.util.Objects::nonNull)
            .toList();
    return new Result(totals[0], totals[1], totals[2], changes);
  }
}
