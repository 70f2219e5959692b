package dev.retention.data.feedback;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Every NPS answer the backend reports; the NPS report is computed from these. */
@Repository
public class NpsResponses {

  /** One answer. */
  public record NpsResponse(String customerId, int score, String comment, Instant respondedAt) {}

  private final JdbcClient jdbc;

  public NpsResponses(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public static String category(int score) {
    return score >= 9 ? "PROMOTER" : score >= 7 ? "PASSIVE" : "DETRACTOR";
  }

  public void record(String customerId, int score, String comment, String workflowId, Instant at) {
    jdbc.sql(
            """
            insert into nps_responses (customer_id, score, comment, category, workflow_id, responded_at)
            values (:c, :score, :comment, :category, :w, :at)
            """)
        .param("c", customerId)
        .param("score", score)
        .param("comment", comment)
        .param("category", category(score))
        .param("w", workflowId)
        .param("at", Timestamp.from(at))
        .update();
  }

  public Optional<NpsResponse> latest(String customerId) {
    return jdbc.sql(
            """
            select customer_id, score, comment, responded_at from nps_responses
            where customer_id = :c order by responded_at desc, id desc limit 1
            """)
        .param("c", customerId)
        .query(
            (rs, i) ->
                new NpsResponse(
                    rs.getString("customer_id"),
                    rs.getInt("score"),
                    rs.getString("comment"),
                    rs.getTimestamp("responded_at").toInstant()))
        .optional();
  }
}
