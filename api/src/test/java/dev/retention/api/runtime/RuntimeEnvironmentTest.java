package dev.retention.api.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The role and the Temporal Cloud settings map onto the Temporal starter's keys. */
class RuntimeEnvironmentTest {

  @Test
  void apiRole_startsNoWorkers_workerAndBothDo() {
    assertThat(role("api")).containsEntry("spring.temporal.start-workers", "false");
    assertThat(role("worker")).doesNotContainKey("spring.temporal.start-workers");
    assertThat(role("both")).doesNotContainKey("spring.temporal.start-workers");
    assertThatThrownBy(() -> role("everything"))
        .hasMessageContaining("must be api, worker or both");
  }

  /**
   * A free port for the dev server (tests' port 0, and always its UI's internal port) is one an
   * outgoing connection cannot take before the server binds it: below the kernel's range for them
   * (CI once lost the dev server's UI port, 44549, that way: "address already in use").
   */
  @Test
  void aFreePort_isBelowThePortsOfOutgoingConnections_andFree() throws java.io.IOException {
    int low = EmbeddedRuntimeEnvironment.ephemeralLow();
    for (int i = 0; i < 20; i++) {
      int port = EmbeddedRuntimeEnvironment.freePort("127.0.0.1");
      assertThat(port).isBetween(EmbeddedRuntimeEnvironment.LOWEST_CHOSEN, low - 1);
      try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
        socket.bind(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
      }
    }
  }

  @Test
  void anApiKey_turnsOnTls_andMtlsTakesBothFiles() {
    Map<String, Object> apiKey = cloud(new MockEnvironment().withProperty("TEMPORAL_API_KEY", "k"));
    assertThat(apiKey)
        .containsEntry("spring.temporal.connection.api-key", "k")
        .containsEntry("spring.temporal.connection.enable-https", "true");

    Map<String, Object> mtls =
        cloud(
            new MockEnvironment()
                .withProperty("TEMPORAL_TLS_CERT", "/certs/client.pem")
                .withProperty("TEMPORAL_TLS_KEY", "/certs/client.key"));
    assertThat(mtls)
        .containsEntry("spring.temporal.connection.mtls.cert-chain-file", "/certs/client.pem")
        .containsEntry("spring.temporal.connection.mtls.key-file", "/certs/client.key")
        .doesNotContainKey("spring.temporal.connection.api-key");

    assertThat(cloud(new MockEnvironment())).isEmpty();
    assertThatThrownBy(
            () -> cloud(new MockEnvironment().withProperty("TEMPORAL_TLS_CERT", "/c.pem")))
        .hasMessageContaining("TEMPORAL_TLS_KEY");
  }

  private static Map<String, Object> role(String role) {
    Map<String, Object> decided = new HashMap<>();
    EmbeddedRuntimeEnvironment.role(
        new MockEnvironment().withProperty("retention.role", role), decided);
    return decided;
  }

  private static Map<String, Object> cloud(MockEnvironment env) {
    Map<String, Object> decided = new HashMap<>();
    EmbeddedRuntimeEnvironment.cloud(env, decided);
    return decided;
  }
}
