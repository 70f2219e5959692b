package dev.retention.api.bench;

import dev.retention.data.scoring.HealthMetrics;
import dev.retention.data.scoring.Sentiment;
import java.util.Locale;
import java.util.function.IntFunction;

/** What the benchmarks send: their CSM, customers and weekly metrics, as JSON. */
final class BenchData {

  static final String CSM_ID = "csm-bench";

  private BenchData() {}

  static String csm() {
    return "{\"name\":\"Bench CSM\",\"email\":\"bench@example.com\",\"managerEmail\":\"lead@example.com\"}";
  }

  /** A JSON array of the customers {@code id(from)} … {@code id(to - 1)}, all on the bench CSM. */
  static String customers(int from, int to, IntFunction<String> id) {
    StringBuilder b = new StringBuilder("[");
    for (int i = from; i < to; i++) {
      b.append(i == from ? "" : ",")
          .append("{\"customerId\":\"")
          .append(id.apply(i))
          .append(
              "\",\"name\":\"Bench customer\",\"email\":\"ops@bench.example\",\"csmId\":\""
                  + CSM_ID
                  + "\",\"plan\":\"Growth\",\"mrr\":490,\"planUsageLimit\":10000,"
                  + "\"timezone\":\"Europe/Amsterdam\",\"locale\":\"en\"}");
    }
    return b.append(']').toString();
  }

  /** One metrics record; with a customer id for the batch path, without for a single post. */
  static String metric(HealthMetrics m, String customerId) {
    return (customerId == null ? "{" : "{\"customerId\":\"" + customerId + "\",")
        + "\"queriesPerWeek\":"
        + m.queriesPerWeek()
        + ",\"featuresUsed\":"
        + m.featuresUsed()
        + ",\"loginsPerWeek\":"
        + m.loginsPerWeek()
        + ",\"emailOpenRate\":"
        + m.emailOpenRate()
        + ",\"openTickets\":"
        + m.openTickets()
        + ",\"sentiment\":\""
        + m.sentiment()
        + "\",\"planUsage\":"
        + m.planUsage()
        + "}";
  }

  /** Healthy (score 86, no expansion: usage 0.5). */
  static HealthMetrics healthy(int i) {
    return new HealthMetrics(1 + i % 60, 5, 3, 0.6, 0, Sentiment.POSITIVE, 0.5);
  }

  /** At risk (score 46): starts an at-risk run when the customer was above 60. */
  static HealthMetrics atRisk() {
    return new HealthMetrics(3, 1, 0, 0.1, 4, Sentiment.NEGATIVE, 0.2);
  }

  static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n).replace(',', ' ');
  }

  static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
