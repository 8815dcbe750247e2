#!/usr/bin/env bash
# client_import.sh - client import of a 10,000-row CSV in several scripts with exactly three
# bad rows (an invalid tier, an empty name, a registration number used twice in the file):
# by default nothing is imported and the report names exactly those three lines; --dry-run
# imports nothing; --skip-bad imports the other 9,997. Rows the client itself rejects (wrong
# number of fields, invalid UTF-8) and unknown columns are reported the same way. Prints the
# import time of the 10,000 rows.
set -eu

# shellcheck source-path=SCRIPTDIR source=tmux_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/tmux_lib.sh"
tl_init client-import
# ag ARGS...: one agency run as the director (imported clients belong to the caller)
ag() { tl_run_clean "$AGENCY_DEMO_DIRECTOR" "$@"; }
count() { tl_sql "SELECT count(*) FROM agency.clients"; }

TAG=T$(date +%s)$$
CSV=$TL_WORK/clients.csv
# 10,000 data rows (file lines 2..10001); bad: line 1001 tier, line 5002 name, line 9003 the
# registration number of line 2.
awk -v tag="$TAG" 'BEGIN {
    printf "\xEF\xBB\xBFCompany,Legal Name,Reg No,Tier,Status,Industry,Phone,E-mail\r\n";
    split("上海大华广告|北京星辰传媒|الشركة المتحدة للإعلان|مجموعة النخبة|Anadolu Tekstil|Ünlü Gıda|Gruppo Rossi|Moda Milano|Northwind Traders|Blue Harbour", base, "|");
    split("有限公司|股份有限公司|ش.م.م|ذ.م.م|A.Ş.|Ltd. Şti.|S.p.A.|S.r.l.|Ltd|Inc.", suf, "|");
    split("key|growth|standard", tier, "|");
    split("prospect|active|dormant|lost", status, "|");
    for (i = 1; i <= 10000; i++) {
        line = i + 1;
        b = (i % 10) + 1;
        name = base[b] " " tag "-" i " " suf[b];
        reg = tag "-" sprintf("%05d", i);
        t = tier[(i % 3) + 1];
        if (line == 1001) t = "platinum";
        if (line == 5002) name = "";
        if (line == 9003) reg = tag "-00001";
        legal = (i % 4 == 0) ? "\"" name ", legal\"" : "";
        printf "%s,%s,%s,%s,%s,%s,%s,%s\r\n", name, legal, reg, t, status[(i % 4) + 1],
               "Retail", "+90 212 555 " sprintf("%04d", i % 10000), "info" i "@example.com";
    }
}' >"$CSV"
[ "$(wc -l <"$CSV")" -eq 10001 ] || tl_fail "the generated file has $(wc -l <"$CSV") lines"

BEFORE=$(count)

# ---- default: all or nothing ----
set +e
ag --format csv -c "client import $CSV" >"$TL_WORK/report.csv" 2>"$TL_WORK/err.txt"
st=$?
set -e
[ $st -eq 1 ] || tl_fail "an import with bad rows exited $st: $(cat "$TL_WORK/err.txt")"
LINES=$(tail -n +2 "$TL_WORK/report.csv" | cut -d, -f1 | sort -n -u | tr '\n' ' ')
[ "$LINES" = "1001 5002 9003 " ] || tl_fail "the report names lines '$LINES'"
grep -q "^1001,tier," "$TL_WORK/report.csv" || tl_fail "line 1001 is not reported on tier"
grep -q "^5002,name," "$TL_WORK/report.csv" || tl_fail "line 5002 is not reported on name"
grep -q "^9003,registration_no," "$TL_WORK/report.csv" || tl_fail "line 9003 is not reported on reg no"
[ "$(count)" = "$BEFORE" ] || tl_fail "a refused import changed the client count"
tl_ok "default run: exit 1, report lines $LINES, nothing imported"

# ---- dry run: nothing imported even with --skip-bad ----
ag -c "client import $CSV --dry-run --skip-bad" >"$TL_WORK/dry.txt" 2>&1 || tl_fail "dry run: $(cat "$TL_WORK/dry.txt")"
grep -q "9997 rows would be imported" "$TL_WORK/dry.txt" || tl_fail "dry run said: $(cat "$TL_WORK/dry.txt")"
[ "$(count)" = "$BEFORE" ] || tl_fail "a dry run changed the client count"
tl_ok "--dry-run --skip-bad: 9997 would be imported, nothing changed"

# ---- --skip-bad imports the good rows ----
T0=$(date +%s.%N)
ag -c "client import $CSV --skip-bad" >"$TL_WORK/out.txt" 2>&1 || tl_fail "--skip-bad: $(cat "$TL_WORK/out.txt")"
T1=$(date +%s.%N)
grep -q "Imported 9997 clients" "$TL_WORK/out.txt" || tl_fail "--skip-bad said: $(cat "$TL_WORK/out.txt")"
AFTER=$(count)
[ $((AFTER - BEFORE)) -eq 9997 ] || tl_fail "--skip-bad added $((AFTER - BEFORE)) clients"
N=$(tl_sql "SELECT count(*) FROM agency.clients WHERE registration_no LIKE '$TAG-%'")
[ "$N" -eq 9997 ] || tl_fail "$N clients carry this run's registration numbers"
tl_ok "--skip-bad: 9997 imported"
echo "import time for 10000 rows (--skip-bad, client to commit): $(awk "BEGIN {printf \"%.2f\", $T1 - $T0}") s"

# ---- rows the client rejects, and columns it does not know ----
BAD=$TL_WORK/bad.csv
printf 'name,tier\nGood One %s,key\nToo,many,fields\n\377\376 broken,key\n' "$TAG" >"$BAD"
set +e
ag --format csv -c "client import $BAD" >"$TL_WORK/bad.out" 2>&1
st=$?
set -e
[ $st -eq 1 ] || tl_fail "client-side bad rows exited $st"
grep -q '^3,,has 3 fields' "$TL_WORK/bad.out" || tl_fail "too many fields not reported: $(cat "$TL_WORK/bad.out")"
grep -q '^4,name,is not valid UTF-8' "$TL_WORK/bad.out" || tl_fail "invalid UTF-8 not reported"
[ "$(tl_sql "SELECT count(*) FROM agency.clients WHERE name = 'Good One $TAG'")" = 0 ] ||
    tl_fail "a file with bad rows was half imported"
printf 'name,colour,mood\nX,red,happy\n' >"$BAD"
set +e
out=$(ag -c "client import $BAD" 2>&1)
st=$?
set -e
[ $st -ne 0 ] && echo "$out" | grep -q 'unknown columns: "colour", "mood"' ||
    tl_fail "unknown columns: $out"
ag -c "client import $BAD --ignore colour --map mood=industry --dry-run" >/dev/null 2>&1 ||
    tl_fail "--ignore/--map did not make the file acceptable"
tl_ok "client-side rejections (fields, UTF-8) and unknown columns"
echo "client_import: ok"
