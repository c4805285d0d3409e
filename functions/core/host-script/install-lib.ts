// Shell functions of the Install script. Kept as literal text (no input is interpolated here); render-install.ts
// only appends calls whose arguments went through shellQuote.
import { EXIT_CODES } from './protocol';

/*
 * Entry-level functions, needed both by the script and by the `sh -c` children find starts for every batch of bundle
 * entries, so they live in $lib (single-quoted: this text must never contain a single quote) and reach the children
 * as the -c text. Globals they use: ROOT, n (new cleanup list), p (problem file), b (file_exists_behavior).
 *
 * The cleanup list holds one host path per line without the root prefix. A name may contain a newline, so "\" and
 * newline are escaped as "\\" and "\n" (printf %b undoes exactly that); ordinary paths are written as they are.
 * cutover_problem keeps the first problem only, so the reported one is the one that stopped the install.
 */
const ENTRY_FUNCTIONS = `nl="
"
cutover_rec() {
  r=\${1#"$ROOT"} o=
  case $r in
  *\\\\*|*"$nl"*)
    while [ -n "$r" ]; do
      t=\${r#?}; ch=\${r%"$t"}; r=$t
      case $ch in
      \\\\) o="$o\\\\\\\\" ;;
      "$nl") o="$o\\\\n" ;;
      *) o="$o$ch" ;;
      esac
    done
    r=$o ;;
  esac
  printf "%s\\n" "$r" >>"$n"
}
cutover_problem() {
  [ -s "$p" ] || printf "%s: %s" "$1" "\${2#"$ROOT"}" >"$p"
  return 1
}
cutover_check() {
  if [ -d "$1" ] && [ ! -L "$1" ]; then
    [ -d "$2" ] || { [ ! -e "$2" ] && [ ! -L "$2" ]; } ||
      cutover_problem "The deployment failed because a file already exists where the revision has a directory" "$2"
  elif [ -d "$2" ] && [ ! -L "$2" ]; then
    [ "$b" = RETAIN ] || cutover_problem "The deployment failed because a directory already exists where the revision has a file" "$2"
  elif [ "$b" = DISALLOW ] && { [ -e "$2" ] || [ -L "$2" ]; }; then
    cutover_problem "The deployment failed because a specified file already exists at this location" "$2"
  fi
}
cutover_copy() {
  if [ -d "$1" ] && [ ! -L "$1" ]; then
    [ -d "$2" ] || { mkdir "$2" && cutover_rec "$2"; }
  elif [ -d "$2" ] && [ ! -L "$2" ]; then
    [ "$b" = RETAIN ]
  elif [ -e "$2" ] || [ -L "$2" ]; then
    case $b in
    RETAIN) ;;
    OVERWRITE) rm -f "$2" && cp -P -p "$1" "$2" && cutover_rec "$2" ;;
    *) cutover_problem "The deployment failed because a specified file already exists at this location" "$2" ;;
    esac
  else
    cp -P -p "$1" "$2" && cutover_rec "$2"
  fi || cutover_problem "The deployment failed because a file could not be installed at this location" "$2"
}
`;

/*
 * Script-level functions. cutover_pct percent-encodes byte by byte (LC_ALL=C makes every shell see bytes) so a
 * message with any file name in it stays on the single marker line. cutover_walk hands entries to the children as
 * arguments, never as text, so odd names (spaces, quotes, newlines, leading dashes) are inert; every path starts with
 * "/" so no command can take one for an option. Removal skips entries that are relative or contain "." or ".."
 * segments, which could point outside the host root.
 */
const SCRIPT_FUNCTIONS = `cutover_pct() {
  r=$1
  while [ -n "$r" ]; do
    t=\${r#?}; ch=\${r%"$t"}; r=$t
    case $ch in
    [A-Za-z0-9./_~-]) printf %s "$ch" ;;
    *) printf %%%02X "'$ch" ;;
    esac
  done
}
cutover_fail() { cutover_end ${EXIT_CODES.UnknownError} "UnknownError message=$(cutover_pct "$1")"; }
cutover_failp() {
  m=$(cat "$p" 2>/dev/null; printf x); m=\${m%x}
  cutover_fail "\${m:-The deployment failed while installing files}"
}
cutover_walk() {
  [ ! -s "$p" ] && find "$2" -mindepth 1 -exec sh -c "$lib"'
ROOT=$1 n=$2 p=$3 b=$4 f=$5 s=$6 d=$7
shift 7
[ -s "$p" ] && exit 1
for e do "cutover_$f" "$e" "$d\${e#"$s"}" || exit 1; done' sh "$ROOT" "$n" "$p" "$b" "$1" "$2" "$3" {} +
}
cutover_map() {
  if [ -d "$2" ] && [ ! -L "$2" ]; then
    cutover_walk "$1" "$2" "$3"
  elif [ -e "$2" ] || [ -L "$2" ]; then
    "cutover_$1" "$2" "$3/\${2##*/}"
  else
    cutover_fail "The deployment failed because the revision does not contain the files source: \${2#"$a/"}"
  fi || cutover_failp
}
cutover_mkdirs() {
  for x do
    [ -d "$ROOT$x" ] || { mkdir "$ROOT$x" && cutover_rec "$ROOT$x"; } ||
      cutover_fail "The deployment failed because a directory could not be created at this location: $x"
  done
}
cutover_decode() {
  e=$1
  case $e in *\\\\*) e=$(printf '%bx' "$e"); e=\${e%x} ;; esac
}
cutover_unlist() {
  : >"$w/cleanup-dirs"
  while IFS= read -r y; do
    cutover_decode "$y"
    case $e in /*[!/]*) ;; *) continue ;; esac
    case $e/ in */../*|*/./*) continue ;; esac
    if [ -d "$ROOT$e" ] && [ ! -L "$ROOT$e" ]; then
      printf '%s\\n' "$y" >>"$w/cleanup-dirs"
    else
      rm -f "$ROOT$e"
    fi
  done <"$1"
  sort -r "$w/cleanup-dirs" | while IFS= read -r y; do
    cutover_decode "$y"
    rmdir "$ROOT$e" 2>/dev/null
  done
  rm -f "$w/cleanup-dirs"
}`;

/** Defines $lib and both function sets; expects ROOT, a, w, c, n, p and b to be set before it is used. */
export const INSTALL_FUNCTIONS = `lib='${ENTRY_FUNCTIONS}'
eval "$lib"
${SCRIPT_FUNCTIONS}`;
