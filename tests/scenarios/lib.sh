# tests/scenarios/lib.sh — what the scenario scripts share; sourced from the repository root by
# run-suite.sh and protected.sh. Sets FL, B, FACTS, FLT, G and tmp (removed on exit); defines
#   scen_need WHAT FILE...          FAIL: WHAT and exit 1 unless the tools and every FILE exist;
#   scen_run NAME IPA [OPTION...]   faultline -M virt -nographic OPTION... with -trace
#                                   $tmp/NAME.trace, output in $tmp/NAME.out; $tmp/NAME.facts gets
#                                   rc=, trace-facts' facts (at IPA unless empty) and guest=ok
#                                   when the guest printed RESULT ok;
#   scen_replay NAME TRACE POLICY [IPA]
#                                   faultline-trace replay-dma --policy=POLICY of $tmp/TRACE.trace
#                                   into $tmp/NAME.trace; $tmp/NAME.facts gets rc=, that trace's
#                                   facts and the report's transfers, rec_faults, rep_faults and
#                                   changed;
#   scen_expect PREFIX NAME 'shell condition over NAME's facts' DESCRIPTION
#                                   prints PASS: PREFIX/NAME: DESCRIPTION, or FAIL: with the facts.
FL=${FAULTLINE:-./faultline}
B=${B:-build/release}
FACTS=$B/tests/scenarios/trace-facts
FLT=${FAULTLINE_TRACE:-$B/tools/faultline-trace}
G=tests/guest/build
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

scen_need() {
    _what=$1; shift
    for _f in "$FL" "$FACTS" "$FLT" "$@"; do
        [ -e "$_f" ] || { echo "FAIL: $_what ($_f missing: make faultline unit guests)"; exit 1; }
    done
}
scen_run() {
    _name=$1; _ipa=$2; shift 2
    timeout 60 "$FL" -M virt -nographic "$@" -trace "file=$tmp/$_name.trace" </dev/null >"$tmp/$_name.out" 2>&1
    echo "rc=$?" >"$tmp/$_name.facts"
    "$FACTS" "$tmp/$_name.trace" $_ipa >>"$tmp/$_name.facts" 2>&1
    grep -q '^RESULT ok' "$tmp/$_name.out" && echo "guest=ok" >>"$tmp/$_name.facts"
}
scen_replay() {
    "$FLT" replay-dma --policy="$3" -o "$tmp/$1.trace" "$tmp/$2.trace" >"$tmp/$1.out" 2>&1
    echo "rc=$?" >"$tmp/$1.facts"
    "$FACTS" "$tmp/$1.trace" ${4:-} >>"$tmp/$1.facts" 2>&1
    sed -n 's/^transfers \([0-9]*\), recorded faults \([0-9]*\), replayed faults \([0-9]*\), changed \([0-9]*\)$/transfers=\1\nrec_faults=\2\nrep_faults=\3\nchanged=\4/p' \
        "$tmp/$1.out" >>"$tmp/$1.facts"
}
scen_expect() {
    if ( guest=no; . "$tmp/$2.facts"; eval "[ $3 ]" ); then echo "PASS: $1/$2: $4"
    else echo "FAIL: $1/$2: $4 (facts: $(tr '\n' ' ' <"$tmp/$2.facts"))"; fi
}
