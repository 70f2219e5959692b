package dev.retention.api.security.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

/** The operator's BCrypt cost: new hashes carry it, older hashes keep checking at their own. */
class PasswordStrengthTest {

  private final LoginConfiguration configuration = new LoginConfiguration();

  @Test
  void newHashesCarryTheConfiguredCost_olderOnesStillCheck() {
    PasswordEncoder atTen = configuration.passwordEncoder(10);
    PasswordEncoder atFour = configuration.passwordEncoder(4);

    String made = atTen.encode("correct horse battery");
    assertThat(made).startsWith("{bcrypt}$2a$10$");
    assertThat(atFour.encode("correct horse battery")).startsWith("{bcrypt}$2a$04$");

    // Lowered or raised later: the hash made at 10 still checks, a wrong password still fails.
    assertThat(atFour.matches("correct horse battery", made)).isTrue();
    assertThat(atFour.matches("correct horse battery!", made)).isFalse();
    assertThat(configuration.passwordEncoder(12).matches("correct horse battery", made)).isTrue();
  }

  @Test
  void aCostOutsideBCryptsRange_stopsTheStartWithTheSettingsName() {
    assertThatThrownBy(() -> configuration.passwordEncoder(3))
        .hasMessageContaining("retention.security.password-strength")
        .hasMessageContaining("3");
    assertThatThrownBy(() -> configuration.passwordEncoder(32))
        .hasMessageContaining("between 4 and 31");
  }
}
