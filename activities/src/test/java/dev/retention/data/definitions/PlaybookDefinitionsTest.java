package dev.retention.data.definitions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.testing.PostgresExtension;
import dev.retention.workflows.contract.PlaybookIds;
import java.time.Clock;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The definition store as the app starts it, on PostgreSQL emptied before each test. */
@ExtendWith(PostgresExtension.class)
class PlaybookDefinitionsTest {

  @Test
  void atStart_everyShippedPlaybookIsPublished_andEveryStoredIdKnown(DataSource dataSource)
      throws Exception {
    JdbcClient jdbc = JdbcClient.create(dataSource);
    PlaybookDefinitions store =
        new PlaybookDefinitions(
            jdbc,
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            Clock.systemUTC());
    // A team's own playbook, stored before this start (a draft is enough to be known).
    var tree = DefinitionFiles.toMap(DefinitionFiles.shipped("trial-conversion").orElseThrow());
    tree.put("id", "webinar-follow-up");
    store.addDraft(DefinitionFiles.fromMap(tree), "test", "a team's own", "lena");
    assertThat(store.publishedVersion("trial-conversion")).isEmpty();

    store.afterSingletonsInstantiated();

    // The event a shipped definition names starts it from the first request on.
    for (String id : DefinitionFiles.SHIPPED) {
      assertThat(store.publishedVersion(id)).as(id).contains(1);
    }
    assertThat(PlaybookIds.customerOf("webinar-follow-up-c-7")).contains("c-7");
    // Idempotent: a second start (or a second instance) stores nothing more.
    store.afterSingletonsInstantiated();
    assertThat(
            jdbc.sql("select count(*) from playbook_definition_versions")
                .query(Long.class)
                .single())
        .isEqualTo(DefinitionFiles.SHIPPED.size() + 1L);
  }
}
