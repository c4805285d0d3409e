// Shell functions of the Install script. Kept as literal text (no input is interpolated here); render-install.ts
// only appends calls whose arguments went through shellQuote.
import { EXIT_CODES } from './protocol';

/*
 * Symbolic links (the rule every function below follows). A link installed from a bundle is relative to where it
 * lands, so `l -> ../../..` that stays inside the bundle can point anywhere on the host; writing through it would put
 * files outside $ROOT (or, in the cloud, anywhere the bundle's author likes). So the Install never writes, creates a
 * directory, removes or applies permissions through a path with a link among its components below $ROOT, except:
 * - in the cloud (ROOT empty), links the install did not make are the host's own (/var/run -> /run, an admin's
 *   /var/www -> /data/www) and are followed, as the CodeDeploy agent follows them; a link is Cutover's when a cleanup
 *   list (this install's or any group's) names it, i.e. some bundle put it there;
 * - on a local host (ROOT set) nothing below the root is trusted, so every link there is refused.
 * A refused link fails the event naming it. Links from the bundle are still copied as links (cp -P), and a link where
 * the revision has a file is replaced or kept per file_exists_behavior without being followed; only entering it
 * as a directory is refused. The agent has no such rule; a bundle that relied on writing through its own links fails.
 *
 * Entry-level functions, needed both by the script and by the `sh -c` children find starts for every batch of bundle
 * entries, so they live in $lib (single-quoted: this text must never contain a single quote) and reach the children
 * as the -c text. Globals they use: ROOT, n (new cleanup list), p (problem file), b (file_exists_behavior), st (state
 * directory), tl (links already found to be the host's own).
 *
 * The cleanup list holds one host path per line without the root prefix. A name may contain a newline, so "\" and
 * newline are escaped as "\\" and "\n" (printf %b undoes exactly that); ordinary paths are written as they are.
 * cutover_enc leaves that form in r, which is also how cutover_link looks a link up in the lists.
 * cutover_problem keeps the first problem only, so the reported one is the one that stopped the install.
 */
const ENTRY_FUNCTIONS = `nl="
"
tl=
cutover_enc() {
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
}
cutover_rec() {
  cutover_enc "$1"
  printf "%s\\n" "$r" >>"$n"
}
cutover_problem() {
  [ -s "$p" ] || printf "%s: %s" "$1" "\${2#"$ROOT"}" >"$p"
  return 1
}
cutover_link() {
  if [ -z "$ROOT" ]; then
    cutover_enc "$1"
    case $nl$tl in *"$nl$r$nl"*) return 0 ;; esac
    grep -Fxq -e "$r" "\${n%/*}"/*-cleanup* 2>/dev/null
    [ $? -ne 1 ] || { tl=$tl$r$nl; return 0; }
  fi
  [ -s "$p" ] || printf "%s %s" "The deployment failed: refusing to follow a symbolic link at" "\${1#"$ROOT"}" >"$p"
  return 1
}
cutover_enter() {
  [ ! -L "$1" ] || cutover_link "$1"
}
cutover_own() {
  case $1 in "$st"/*) cutover_problem "The deployment failed because Cutover keeps its own state at this location" "$1" ;; esac
}
cutover_check() {
  cutover_own "$2" || return 1
  if [ -d "$1" ] && [ ! -L "$1" ]; then
    cutover_enter "$2" || return 1
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
    cutover_enter "$2" && { [ -d "$2" ] || { mkdir "$2" && cutover_rec "$2"; }; }
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
 * cutover_safe DIR checks DIR and every directory above it, up to the root, against the link rule. Mappings check
 * their destination in both passes, so a link already on the host stops the install before anything is copied;
 * cutover_mkdirs checks each directory again as it goes, since an earlier mapping may have copied a link there.
 * Cleanup checks the directories above each listed path (the path itself may be a link: rm removes the link); the
 * directories it then removes were checked on the way, and removing creates no links, so rmdir follows none.
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
cutover_safe() {
  sp=\${1#"$ROOT"} sq=$ROOT
  while [ -n "$sp" ]; do
    sp=\${sp#/}
    sq=$sq/\${sp%%/*}
    case $sp in */*) sp=/\${sp#*/} ;; *) sp= ;; esac
    cutover_enter "$sq" || return 1
  done
}
cutover_walk() {
  [ ! -s "$p" ] && find "$2" -mindepth 1 -exec sh -c "$lib"'
ROOT=$1 n=$2 p=$3 b=$4 st=$5 f=$6 s=$7 d=$8
shift 8
[ -s "$p" ] && exit 1
for e do "cutover_$f" "$e" "$d\${e#"$s"}" || exit 1; done' sh "$ROOT" "$n" "$p" "$b" "$st" "$1" "$2" "$3" {} +
}
cutover_map() {
  cutover_own "$3" && cutover_safe "$3" || cutover_failp
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
    cutover_enter "$ROOT$x" || cutover_failp
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
    cutover_safe "$ROOT\${e%/*}" || cutover_failp
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

/** Defines $lib and both function sets; expects ROOT, a, w, c, n, p, b and st to be set before it is used. */
export const INSTALL_FUNCTIONS = `lib='${ENTRY_FUNCTIONS}'
eval "$lib"
${SCRIPT_FUNCTIONS}`;
