package dev.retention.api.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.retention.api.support.ApiTest;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The pool is sized for a metrics batch's parallel customers (application.yaml says why), and the
 * embedded PostgreSQL leaves room for it twice over (a second instance, a psql).
 */
@ApiTest
class DatabasePoolTest {

  @Autowired DataSource dataSource;

  @Test
  void thePoolHoldsABatchsParallelCustomers_andPostgresAllowsIt() {
    assertThat(dataSource).isInstanceOf(HikariDataSource.class);
    int pool = ((HikariDataSource) dataSource).getMaximumPoolSize();
    assertThat(pool).isEqualTo(32);
    int allowed =
        Integer.parseInt(
            JdbcClient.create(dataSource).sql("show max_connections").query(String.class).single());
    assertThat(allowed).isGreaterThanOrEqualTo(2 * pool);
  }
}
