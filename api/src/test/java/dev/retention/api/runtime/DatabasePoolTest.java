package dev.retention.api.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.retention.api.support.ApiTest;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The pool is sized for a metrics batch's parallel customers (application.yaml says why); that the
 * app's embedded PostgreSQL leaves room for it twice over is checked where the context runs the
 * app's own (WorkerRoleTest).
 */
@ApiTest
class DatabasePoolTest {

  static final int POOL = 32;

  @Autowired DataSource dataSource;

  @Test
  void thePoolHoldsABatchsParallelCustomers() {
    assertThat(dataSource).isInstanceOf(HikariDataSource.class);
    assertThat(((HikariDataSource) dataSource).getMaximumPoolSize()).isEqualTo(POOL);
  }
}
