package dev.retention.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Where the payload keys come from: configuration, the embedded runtime's key file, or nowhere. */
class CodecConfigurationTest {

  final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withUserConfiguration(CodecConfiguration.class)
          .withBean(Clock.class, Clock::systemUTC);

  @Test
  void realTemporalServerWithoutKeys_failsStartUpSayingWhatToSet() {
    runner
        .withPropertyValues("spring.temporal.test-server.enabled=false")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("TEMPORAL_ADDRESS")
                    .hasMessageContaining("RETENTION_CODEC_KEYS"));
  }

  @Test
  void keysAsIdColonBase64Pairs_withTheActiveOneNamed() {
    runner
        .withPropertyValues(
            "spring.temporal.test-server.enabled=false",
            "retention.codec.keys=old:" + CodecTestKeys.RECORDED + ",new:" + CodecTestKeys.ROTATED,
            "retention.codec.active-key-id=new")
        .run(
            context -> {
              CodecKeyRing ring = context.getBean(CodecKeyRing.class);
              assertThat(ring.keyIds()).containsExactly("old", "new");
              assertThat(ring.activeKeyId()).isEqualTo("new");
              assertThat(context.getBean("mainDataConverter", DataConverter.class))
                  .isInstanceOf(CodecDataConverter.class);
            });
  }

  @Test
  void keysAsAMap_oneKeyIsActiveByItself() {
    runner
        .withPropertyValues(
            "spring.temporal.test-server.enabled=false",
            "retention.codec.keys=",
            "retention.codec.keys.only=" + CodecTestKeys.RECORDED)
        .run(
            context ->
                assertThat(context.getBean(CodecKeyRing.class).activeKeyId()).isEqualTo("only"));
  }

  @Test
  void severalKeysWithoutAnActiveOne_failStartUp() {
    runner
        .withPropertyValues(
            "spring.temporal.test-server.enabled=false",
            "retention.codec.keys=a:" + CodecTestKeys.RECORDED + ",b:" + CodecTestKeys.ROTATED)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("RETENTION_CODEC_ACTIVE_KEY"));
  }

  @Test
  void embeddedRuntime_createsAnOwnerOnlyKeyFile_andReusesItAfterARestart(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("data/codec-keys");
    String[] embedded = {
      "spring.temporal.test-server.enabled=true", "retention.codec.key-file=" + file
    };
    String[] first = new String[1];
    runner
        .withPropertyValues(embedded)
        .run(context -> first[0] = context.getBean(CodecKeyRing.class).activeKeyId());

    assertThat(first[0]).startsWith("local-");
    assertThat(file).exists();
    assertThat(posixPermissions(file)).isIn("rw-------", "n/a");
    runner
        .withPropertyValues(embedded)
        .run(
            context ->
                assertThat(context.getBean(CodecKeyRing.class).activeKeyId()).isEqualTo(first[0]));
  }

  @Test
  void embeddedRuntime_appendedKeyInTheFileBecomesActive_theOldOneStillDecrypts(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("codec-keys");
    Files.writeString(
        file, "# rotated\nold:" + CodecTestKeys.RECORDED + "\nnew:" + CodecTestKeys.ROTATED + "\n");
    runner
        .withPropertyValues(
            "spring.temporal.test-server.enabled=true", "retention.codec.key-file=" + file)
        .run(
            context -> {
              CodecKeyRing ring = context.getBean(CodecKeyRing.class);
              assertThat(ring.activeKeyId()).isEqualTo("new");
              assertThat(ring.keyIds()).containsExactly("old", "new");
            });
    assertThat(posixPermissions(file)).isIn("rw-------", "n/a");
  }

  @Test
  void embeddedRuntimeWithoutAKeyFile_generatesAKeyForTheRun() {
    runner
        .withPropertyValues("spring.temporal.test-server.enabled=true", "retention.codec.key-file=")
        .run(
            context ->
                assertThat(context.getBean(CodecKeyRing.class).activeKeyId())
                    .isEqualTo("ephemeral"));
  }

  @Test
  void wildcardCorsOrigin_isRefused() {
    runner
        .withPropertyValues(
            "spring.temporal.test-server.enabled=true",
            "retention.codec.key-file=",
            "retention.codec.cors-origins=*")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("name each Temporal UI origin"));
  }

  private static String posixPermissions(Path file) throws Exception {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return "n/a";
    }
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }
}
