# Sourced by ./mvnw and .ci/run (POSIX sh). The project builds for Java 21: when JAVA_HOME (or the
# java on PATH) is older, point JAVA_HOME at the newest JDK >= 21 found in the usual places, so
# the README's commands work on a machine whose default JDK is 17 but that has a newer one too.

retention_java_major() {
  "$1" -version 2>&1 | awk -F'"' '/version/ { v = $2; sub(/^1\./, "", v); sub(/[^0-9].*$/, "", v); print v; exit }'
}

retention_select_jdk() {
  _rp_min=21
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    _rp_major=$(retention_java_major "$JAVA_HOME/bin/java")
    [ "${_rp_major:-0}" -ge "$_rp_min" ] && return 0
  elif command -v javac >/dev/null 2>&1; then
    _rp_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    _rp_major=$(retention_java_major "$_rp_home/bin/java")
    if [ "${_rp_major:-0}" -ge "$_rp_min" ]; then
      JAVA_HOME=$_rp_home
      export JAVA_HOME
      return 0
    fi
  fi
  _rp_best=""
  _rp_best_major=0
  # ./mvnw runs with globbing off (set -f); the search below needs it.
  case $- in *f*) _rp_noglob=1 ;; *) _rp_noglob=0 ;; esac
  set +f
  for _rp_dir in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* "$HOME"/.jdks/* \
      "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$_rp_dir/bin/javac" ] || continue
    _rp_major=$(retention_java_major "$_rp_dir/bin/java")
    if [ "${_rp_major:-0}" -ge "$_rp_min" ] && [ "$_rp_major" -gt "$_rp_best_major" ]; then
      _rp_best=$(readlink -f "$_rp_dir")
      _rp_best_major=$_rp_major
    fi
  done
  [ "$_rp_noglob" = 1 ] && set -f
  if [ -n "$_rp_best" ]; then
    JAVA_HOME=$_rp_best
    export JAVA_HOME
    return 0
  fi
  echo "retention-playbooks: no JDK $_rp_min or newer found; install one or set JAVA_HOME to it" >&2
  return 1
}
