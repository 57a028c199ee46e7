#!/usr/bin/env bash
# Solver quality on the public benchmark instances: `fupin solve` on every CVRP
# and VRPSPD instance and `fupin solve-pmedian` on every OR-Library p-median
# instance of the benchmark folder, each with a wall-clock limit of SECONDS,
# JOBS processes at a time (one core each). Writes per family a Markdown
# table (instance, size, best known, cost, gap, routes, seconds to best /
# seconds) with mean gaps into docs/BENCHMARKS.md, between the markers
# `<!-- routing:cvrp:SECONDS begin -->` ... `<!-- routing:cvrp:SECONDS end -->`
# (likewise routing:vrpspd and location:pmedian), keeping the rest of the file.
#
#   bench/routing.sh [SECONDS] [SET...]
#
# SECONDS: default 10. SET (default: everything) selects instances: a family
# (cvrp, vrpspd, pmedian), a set (X, A, B, E, F, M, P; CON, SCA, CON3, SCA8,
# G for the VRPSPD instances from Solomon/Gehring-Homberger), or a name glob
# ('X-n1*', 'pmed1?'). A family's section in the docs is rewritten only when
# every instance of it was run (DOCS=0: never); the tables of every run also
# go to bench/out/routing-SECONDS.md.
#
# Environment: BENCHMARKS (default ../shared/benchmarks, relative to the
# repository root), FUPIN (default build/fupin), JOBS (default: the cores),
# SEED (default 1), DOCS (default 1), DOCS_FILE (default docs/BENCHMARKS.md).
#
# Fleet convention (benchmarks/cvrp/README.md): X instances and all VRPSPD
# instances are solved with an unlimited fleet. The classic sets' best known
# values hold for exactly k routes; six instances (classic_fleet.csv) have
# cheaper solutions with more routes, so those six are solved with
# --vehicles k and marked; every other instance runs with an unlimited fleet.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
shift || true
BENCHMARKS=${BENCHMARKS:-../shared/benchmarks}
FUPIN=${FUPIN:-build/fupin}
JOBS=${JOBS:-$(nproc)}
SEED=${SEED:-1}
DOCS=${DOCS:-1}
DOCS_FILE=${DOCS_FILE:-docs/BENCHMARKS.md}
SETS=("$@")

case $SECS in
  '' | *[!0-9.]* | *.*.*) echo "bench/routing.sh: SECONDS must be a number, got '$SECS'" >&2; exit 2 ;;
esac
if [ ! -d "$BENCHMARKS/cvrp" ] || [ ! -d "$BENCHMARKS/vrpspd" ] || [ ! -d "$BENCHMARKS/pmedian" ]; then
  echo "bench/routing.sh: no benchmark folder at '$BENCHMARKS' (expected cvrp/, vrpspd/ and pmedian/ in it);" \
    "set BENCHMARKS to the folder holding them" >&2
  exit 1
fi
if [ ! -x "$FUPIN" ]; then
  echo "bench/routing.sh: $FUPIN not found: build it first (make build), or set FUPIN" >&2
  exit 1
fi

work=$(mktemp -d /tmp/fupin-routing.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sol" "$work/res" bench/out

# Does instance $2 of family $1 pass the SET filter?
selected() {
  local family=$1 name=$2 set
  [ ${#SETS[@]} -eq 0 ] && return 0
  for set in "${SETS[@]}"; do
    [ "$set" = "$family" ] && return 0
    # shellcheck disable=SC2254
    case $name in $set | $set-*) return 0 ;; esac
    # CON and SCA: the Dethloff files are named CON3-0, SCA8-1, …
    if [ "$set" = CON ] || [ "$set" = SCA ]; then
      case $name in "$set"[0-9]-*) return 0 ;; esac
    fi
    if [ "$set" = G ] && [ "$family" = vrpspd ]; then
      case $name in CON* | SCA*) ;; *) return 0 ;; esac
    fi
  done
  return 1
}

# The job list: family, name, file, extra flags.
jobs_file=$work/jobs
: >"$jobs_file"
declare -A fleet_k=()
while IFS=, read -r name k _; do
  [ "$name" = instance ] && continue
  fleet_k[$name]=$k
done <"$BENCHMARKS/cvrp/classic_fleet.csv"
declare -A total=([cvrp]=0 [vrpspd]=0 [pmedian]=0) chosen=([cvrp]=0 [vrpspd]=0 [pmedian]=0)
for f in "$BENCHMARKS"/cvrp/*.vrp; do
  name=$(basename "$f" .vrp)
  total[cvrp]=$((total[cvrp] + 1))
  selected cvrp "$name" || continue
  chosen[cvrp]=$((chosen[cvrp] + 1))
  extra=""
  [ -n "${fleet_k[$name]:-}" ] && extra="--vehicles ${fleet_k[$name]}"
  printf '%s\t%s\t%s\t%s\n' cvrp "$name" "$f" "$extra" >>"$jobs_file"
done
for f in "$BENCHMARKS"/vrpspd/*.vrpspd; do
  name=$(basename "$f" .vrpspd)
  total[vrpspd]=$((total[vrpspd] + 1))
  selected vrpspd "$name" || continue
  chosen[vrpspd]=$((chosen[vrpspd] + 1))
  printf '%s\t%s\t%s\t%s\n' vrpspd "$name" "$f" "" >>"$jobs_file"
done
for f in "$BENCHMARKS"/pmedian/pmed*.txt; do
  name=$(basename "$f" .txt)
  [ "$name" = pmedopt ] && continue
  total[pmedian]=$((total[pmedian] + 1))
  selected pmedian "$name" || continue
  chosen[pmedian]=$((chosen[pmedian] + 1))
  printf '%s\t%s\t%s\t%s\n' pmedian "$name" "$f" "" >>"$jobs_file"
done
count=$(wc -l <"$jobs_file")
if [ "$count" -eq 0 ]; then
  echo "bench/routing.sh: no instance matches ${SETS[*]}" >&2
  exit 1
fi
echo "bench/routing.sh: $count instances, ${SECS}s each, $JOBS at a time" >&2

# One instance: writes res/<family>.<name> holding `status<TAB>summary`.
run_one() {
  local family=$1 name=$2 file=$3 extra=$4 out=$work/res/$1.$2 err=$work/res/$1.$2.err
  if [ "$family" = pmedian ]; then
    if "$FUPIN" solve-pmedian "$file" --time-limit "$SECS" --seed "$SEED" >"$work/sol/$name.txt" 2>"$err"; then
      printf 'ok\t%s\n' "$(tr '\n' '|' <"$work/sol/$name.txt")" >"$out"
    else
      printf 'error\t%s\n' "$(head -n 1 "$err")" >"$out"
    fi
    echo "  $family $name: $(cut -f2 "$out" | tr '|' ' ')" >&2
    return 0
  fi
  # shellcheck disable=SC2086
  if "$FUPIN" solve "$file" --time-limit "$SECS" --seed "$SEED" --out "$work/sol/$name.sol" $extra 2>"$err"; then
    printf 'ok\t%s\n' "$(tail -n 1 "$err")" >"$out"
  else
    printf 'error\t%s\n' "$(head -n 1 "$err")" >"$out"
  fi
  echo "  $family $name: $(cut -f2 "$out")" >&2
}
export -f run_one
export FUPIN SECS SEED work
tr '\t' '\n' <"$jobs_file" | xargs -d '\n' -n 4 -P "$JOBS" bash -c 'run_one "$@"' _

machine="$(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores"
command="bench/routing.sh $SECS${SETS[*]:+ ${SETS[*]}}"
[ "$JOBS" != "$(nproc)" ] && command="JOBS=$JOBS $command"
[ "$SEED" != 1 ] && command="SEED=$SEED $command"

python3 - "$work" "$BENCHMARKS" "$SECS" "$machine" "$command" "$JOBS" "$DOCS" "$DOCS_FILE" \
  "${total[cvrp]}:${chosen[cvrp]}" "${total[vrpspd]}:${chosen[vrpspd]}" "${total[pmedian]}:${chosen[pmedian]}" <<'PY'
import csv, datetime, glob, os, re, statistics, sys

work, bench, secs, machine, command, jobs, docs, docs_file = sys.argv[1:9]
counts = dict(zip(("cvrp", "vrpspd", "pmedian"), (tuple(map(int, c.split(":"))) for c in sys.argv[9:12])))
date = datetime.date.today().isoformat()


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def results(family):
    out = {}
    for path in glob.glob(os.path.join(work, "res", family + ".*")):
        if path.endswith(".err"):
            continue
        name = os.path.basename(path)[len(family) + 1:]
        status, _, summary = open(path).read().rstrip("\n").partition("\t")
        out[name] = (status, summary)
    return out


def header_value(path, key):
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"\s*" + key + r"\s*:\s*(\S+)", line)
            if m:
                return m.group(1)
    return None


def gap(cost, bks):
    return 100.0 * (cost - bks) / bks


def mean(values):
    return f"{fmt_gap(statistics.mean(values))} %" if values else "–"


def fmt_gap(g):
    return f"{g:.2f}".replace("-0.00", "0.00")


def section(family, title, intro, header, rows, means):
    tool = "solve" if family != "pmedian" else "solve-pmedian"
    lines = [f"### {title}", "", intro, "",
             f"Command: `{command}` (`fupin {tool}`, {jobs} processes at a time, one core each). "
             f"Machine: {machine}. Date: {date}.", "",
             "| mean gap | instances | gap |", "|---|---:|---:|"]
    for label, values in means:
        lines.append(f"| {label} | {len(values)} | {mean(values)} |")
    columns = header.count("|") - 1
    lines += ["", header, "|" + "|".join(["---"] + ["---:"] * (columns - 1)) + "|"]
    lines += rows
    return "\n".join(lines) + "\n"


out_sections = {}

# ------------------------------------------------------------------ CVRP
res = results("cvrp")
if res:
    bks = {r["instance"]: r for r in read_csv(os.path.join(bench, "cvrp", "bks.csv"))}
    fleet = {r["instance"]: r for r in read_csv(os.path.join(bench, "cvrp", "classic_fleet.csv"))}
    rows, all_g, x_small, x_large, classic, errors = [], [], [], [], [], 0
    def size(name):
        m = re.search(r"-n(\d+)", name)
        return int(m.group(1)) if m else 0

    for name in sorted(res, key=lambda n: (n[0], size(n), n)):
        status, summary = res[name]
        if name not in bks:
            rows.append(f"| {name} | | no BKS in bks.csv | | | | |")
            continue
        n = int(header_value(os.path.join(bench, "cvrp", name + ".vrp"), "DIMENSION") or 0)
        b = float(bks[name]["bks"])
        label = name + (f" (fleet {fleet[name]['k']})" if name in fleet else "")
        if status != "ok":
            errors += 1
            rows.append(f"| {label} | {n - 1} | {b:g} | error: {summary} | | | |")
            continue
        _, cost, routes, seconds, best_at = summary.split()[:5]
        cost = float(cost)
        g = gap(cost, b)
        all_g.append(g)
        if name.startswith("X"):
            (x_small if n - 1 <= 400 else x_large).append(g)
        else:
            classic.append(g)
        star = "" if bks.get(name, {}).get("optimal") == "yes" else " *"
        rows.append(f"| {label} | {n - 1} | {b:g}{star} | {cost:g} | {fmt_gap(g)} | {routes} | {best_at} / {seconds} |")
    means = [("all", all_g), ("X, 100–400 customers", x_small), ("X, over 400 customers", x_large),
             ("classic A, B, E, F, M, P", classic)]
    intro = (f"{counts['cvrp'][1]} of the {counts['cvrp'][0]} CVRP instances, {secs} s each. "
             "Gap = (cost − BKS) / BKS; "
             "BKS from CVRPLIB (* = best known, not proven optimal). Unlimited fleet, except the six classic "
             "instances whose BKS holds only with k routes (classic_fleet.csv), solved with `--vehicles k` "
             "and marked \"fleet k\". Customers = DIMENSION − 1. Seconds: when the returned solution was found / "
             "the whole run." + (f" {errors} runs failed." if errors else ""))
    out_sections["cvrp"] = section("cvrp", f"CVRP, {secs} s per instance", intro,
                                   "| instance | customers | BKS | cost | gap % | routes | seconds to best / seconds |",
                                   rows, means)

# ------------------------------------------------------------------ VRPSPD
res = results("vrpspd")
if res:
    bks = {r["instance"]: r for r in read_csv(os.path.join(bench, "vrpspd", "bks.csv"))}
    rows, all_g, dethloff, g_set, errors = [], [], [], [], 0
    for name in sorted(res, key=lambda n: (not (n.startswith("CON") or n.startswith("SCA")), n)):
        status, summary = res[name]
        if name not in bks:
            rows.append(f"| {name} | | no BKS in bks.csv | | | | | |")
            continue
        path = os.path.join(bench, "vrpspd", name + ".vrpspd")
        n = int(header_value(path, "DIMENSION") or 0)
        vehicles = header_value(path, "VEHICLES") or "–"
        file_scale = float(header_value(path, "SCALE") or 1)
        b = float(bks[name]["bks"])
        if status != "ok":
            errors += 1
            rows.append(f"| {name} | {n - 1} | {b:.2f} | error: {summary} | | | {vehicles} | |")
            continue
        _, cost, routes, seconds, best_at = summary.split()[:5]
        # `fupin solve` reports file units / SCALE; bks.csv's scale is file units per BKS unit. The
        # BKS table has two decimals: the cost is rounded likewise before the gap.
        cost = round(float(cost) * file_scale / float(bks[name]["scale"]), 2)
        g = gap(cost, b)
        all_g.append(g)
        (dethloff if name[:3] in ("CON", "SCA") else g_set).append(g)
        rows.append(f"| {name} | {n - 1} | {b:.2f} | {cost:.2f} | {fmt_gap(g)} | {routes} | {vehicles} | "
                    f"{best_at} / {seconds} |")
    means = [("all", all_g), ("Dethloff (CON, SCA), 50 customers", dethloff),
             ("G set (Solomon / Gehring–Homberger), 100–200 customers", g_set)]
    intro = (f"{counts['vrpspd'][1]} of the {counts['vrpspd'][0]} VRPSPD instances, {secs} s each, unlimited fleet "
             "(VEHICLES is the fleet LKH-3 was given, shown for reference). Gap against the LKH-3 table's BKS, "
             "costs converted to its unit (Dethloff files ÷ 10^4, SCALE files ÷ SCALE) and rounded to its two "
             "decimals."
             + (f" {errors} runs failed." if errors else ""))
    out_sections["vrpspd"] = section("vrpspd", f"VRPSPD, {secs} s per instance", intro,
                                     "| instance | customers | BKS | cost | gap % | routes | VEHICLES "
                                     "| seconds to best / seconds |",
                                     rows, means)

# ------------------------------------------------------------------ p-median
res = results("pmedian")
if res:
    bks = {r["instance"]: r for r in read_csv(os.path.join(bench, "pmedian", "bks.csv"))}
    rows, all_g, errors, proven = [], [], 0, 0
    for name in sorted(res, key=lambda n: int(re.sub(r"\D", "", n) or 0)):
        status, summary = res[name]
        if name not in bks:
            rows.append(f"| {name} | | | no BKS in bks.csv | | | | | |")
            continue
        r = bks[name]
        b = float(r["bks"])
        if status != "ok":
            errors += 1
            rows.append(f"| {name} | {r['n']} | {r['p']} | {b:g} | error: {summary} | | | | |")
            continue
        fields = dict(line.split(":", 1) if ":" in line else line.split(" ", 1) for line in summary.split("|") if line)
        cost = float(fields["Cost"].strip())
        g = gap(cost, b)
        all_g.append(g)
        is_proven = fields.get("Proven optimal", "").strip()
        proven += is_proven == "yes"
        rows.append(f"| {name} | {r['n']} | {r['p']} | {b:g} | {cost:g} | {fmt_gap(g)} | {is_proven} | "
                    f"{fields.get('Method', '').strip()} | {fields.get('Seconds', '').strip()} |")
    means = [("all", all_g)]
    intro = (f"{counts['pmedian'][1]} of the {counts['pmedian'][0]} OR-Library instances, {secs} s each; the BKS "
             f"are proven optima. {proven} runs proved their answer optimal."
             + (f" {errors} runs failed." if errors else ""))
    out_sections["pmedian"] = section("pmedian", f"p-median (OR-Library), {secs} s per instance", intro,
                                      "| instance | n | p | optimum | cost | gap % | proven | method | seconds |",
                                      rows, means)

report = "\n".join(out_sections[f] for f in ("cvrp", "vrpspd", "pmedian") if f in out_sections)
with open(f"bench/out/routing-{secs}.md", "w") as f:
    f.write(report)
sys.stdout.write(report)

if docs != "0":
    path = docs_file
    text = open(path).read()
    markers = {"cvrp": "routing:cvrp", "vrpspd": "routing:vrpspd", "pmedian": "location:pmedian"}
    for family, body in out_sections.items():
        total, chosen = counts[family]
        if chosen != total:
            print(f"bench/routing.sh: {family}: {chosen} of {total} instances run; {docs_file} left as it was",
                  file=sys.stderr)
            continue
        begin = f"<!-- {markers[family]}:{secs} begin -->"
        end = f"<!-- {markers[family]}:{secs} end -->"
        block = f"{begin}\n{body}{end}"
        if begin in text and end in text and text.index(begin) < text.index(end):
            text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
        else:
            if "\n## Solvers on public benchmarks\n" not in text:
                text = text.rstrip("\n") + ("\n\n## Solvers on public benchmarks\n\n"
                                            "Command: `bench/routing.sh SECONDS` (every instance of the benchmark "
                                            "folder; see the script's header for the fleet convention and the "
                                            "filters). Gaps are measured, never asserted in tests.\n")
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        print(f"bench/routing.sh: wrote the {family} section ({secs} s) of {path}", file=sys.stderr)
    with open(path, "w") as f:
        f.write(text)
PY
