package dev.retention.api.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded runtime's payload key, kept in its data folder: created with owner-only permissions
 * on the first start and reused after. The file holds {@code id:base64} lines (the form of {@code
 * RETENTION_CODEC_KEYS}); the last one encrypts new payloads, so a rotation is a line appended.
 */
final class CodecKeyFile {

  private static final Logger log = LoggerFactory.getLogger(CodecKeyFile.class);

  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final Path path;

  CodecKeyFile(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  /** The ring in the file, after creating the file with a fresh key if there is none. */
  CodecKeyRing loadOrCreate(SecureRandom random, Clock clock) throws IOException {
    if (!Files.exists(path)) {
      try {
        create(random, clock);
        log.info("created the payload encryption key file {} (owner-only)", path);
      } catch (FileAlreadyExistsException raced) {
        // Another start created it first: use theirs.
      }
    }
    tightenPermissions();
    Map<String, String> keys = CodecKeyRing.parse(Files.readString(path, StandardCharsets.UTF_8));
    if (keys.isEmpty()) {
      throw new IllegalStateException(
          path + " holds no payload encryption key; delete it to have a new one created");
    }
    String active = keys.keySet().stream().reduce((first, second) -> second).orElseThrow();
    return CodecKeyRing.of(keys, active);
  }

  private void create(SecureRandom random, Clock clock) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    byte[] suffix = new byte[4];
    random.nextBytes(suffix);
    String id = "local-" + HexFormat.of().formatHex(suffix);
    String text =
        "# Temporal payload encryption keys of the embedded runtime, created "
            + clock.instant()
            + ".\n# id:base64, one a line; the last line encrypts new payloads. Keep this file"
            + " private:\n# whoever has it can read every playbook run's history.\n"
            + id
            + ":"
            + CodecKeyRing.newBase64Key(random)
            + "\n";
    if (posix()) {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } else {
      Files.createFile(path);
    }
    Files.writeString(
        path, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
  }

  private void tightenPermissions() throws IOException {
    if (!posix()) {
      return;
    }
    Set<PosixFilePermission> now = Files.getPosixFilePermissions(path);
    if (!OWNER_ONLY.containsAll(now)) {
      log.warn(
          "{} was readable by others ({}); made it owner-only",
          path,
          PosixFilePermissions.toString(now));
      Files.setPosixFilePermissions(path, OWNER_ONLY);
    }
  }

  private boolean posix() {
    Path dir = path.toAbsolutePath().getParent();
    return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
