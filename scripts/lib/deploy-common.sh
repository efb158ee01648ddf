# Shared by scripts/deploy-azure and scripts/deploy-gcp (sourced, not run).
# DBRE_ROOT: the repository; DRY_RUN=1: print the commands that change a cloud instead of running them.

DBRE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DRY_RUN=0
TF_DIR=""
TF_EXTRA=()

deploy_usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

# --dry-run, --tf-dir DIR, -h; anything after -- goes to terraform apply (e.g. -auto-approve).
deploy_parse_args() {
  TF_DIR="$1"; shift
  while [ $# -gt 0 ]; do
    case "$1" in
      --dry-run) DRY_RUN=1 ;;
      --tf-dir) TF_DIR="${2:?--tf-dir needs a directory}"; shift ;;
      -h|--help) deploy_usage; exit 0 ;;
      --) shift; TF_EXTRA=("$@"); break ;;
      *) echo "$(basename "$0"): unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
  done
  [ -d "$TF_DIR" ] || { echo "$(basename "$0"): terraform directory '$TF_DIR' does not exist" >&2; exit 2; }
  TF_DIR="$(cd "$TF_DIR" && pwd)"
}

deploy_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jar" ]; then
    JAR="$JAVA_HOME/bin/jar"
  elif [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/jar ]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
    JAR="$JAVA_HOME/bin/jar"
  else
    JAR="$(command -v jar)" || { echo "$(basename "$0"): no JDK found (set JAVA_HOME)" >&2; exit 3; }
  fi
}

# A hash of a folder's content (names and bytes, not timestamps): the same build, the same name.
deploy_content_hash() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
}

# deploy_zip DIR OUT: a zip of DIR's content, without a manifest.
deploy_zip() {
  rm -f "$2"
  "$JAR" --create --no-manifest --file "$2" -C "$1" .
}

# Runs a command that changes a cloud, or prints it under --dry-run.
deploy_run() {
  if [ "$DRY_RUN" = 1 ]; then
    printf 'would run:'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

deploy_terraform() {
  local var="$1" artifact="$2"
  if [ "$DRY_RUN" != 1 ] && ! command -v terraform >/dev/null; then
    echo "$(basename "$0"): terraform is not installed (the artifact is built: $artifact)" >&2
    exit 3
  fi
  deploy_run terraform -chdir="$TF_DIR" init -input=false
  deploy_run terraform -chdir="$TF_DIR" apply -var "$var=$artifact" "${TF_EXTRA[@]}"
}
