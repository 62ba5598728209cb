#!/usr/bin/env bash
# End to end: the language path of codescope-cli as a user runs it - a traced transformer (tests/data/torchscript,
# GELU as a module and as a function) on pre-tokenised ids: layers, analyze, trajectories (HTML, PDF, JSON), the
# activation records and the explanation scores against a stand-in endpoint on 127.0.0.1; the tiny LM trained on a
# text and analysed; then the bad inputs.
set -u
: "${CLI:?CLI must point at codescope-cli}" "${TESTDATA:?TESTDATA must point at tests/data}"
: "${CHAT_SERVER:?CHAT_SERVER must point at codescope-test-chat-server}"
work=$(mktemp -d)
server_pid=""
trap '[[ -n $server_pid ]] && kill $server_pid 2>/dev/null; rm -rf "$work"' EXIT
source "$(dirname "$0")/e2e_support.sh"
lm="$TESTDATA/torchscript/lm_traced.pt"
tokens="tokens:$TESTDATA/language/lm_tokens.npy"

check "layers --context lists the GELUs of both blocks" expect_exit 0 "$CLI" layers --model "$lm" --context 8
check "  the module GELU and the functional one" bash -c "grep -q 'blocks.0.mlp.act .*gelu' '$work/out' && \
  grep -q 'blocks.1.mlp.gelu#1 .*gelu' '$work/out'"
check "analyze on token ids" expect_exit 0 "$CLI" analyze --model "$lm" --dataset "$tokens" --fit-range 2:10 \
  --bootstrap 20 --json "$work/lm.json" --quiet
check "  every token is a sample (40 x 8)" grep -q "(320 samples)" "$work/out"
check "  the interval resamples whole sequences" bash -c "[[ \$(grep -c '\"bootstrap_unit\": \"sequence\"' \
  '$work/lm.json') -eq 2 ]] && grep -q '\"bootstrap_unit_rows\": 8' '$work/lm.json'"
check "  auto takes the two GELU layers" bash -c "[[ \$(grep -c '\"name\": \"blocks.[01].mlp' '$work/lm.json') -eq 2 ]]"
check "trajectories writes HTML, PDF and JSON" expect_exit 0 "$CLI" trajectories --model "$lm" --dataset "$tokens" \
  --draws 50 --sequences 2 --html "$work/t.html" --pdf "$work/t.pdf" --json "$work/t.json"
check "  the HTML colours every token" bash -c "[[ \$(grep -o 'background-color' '$work/t.html' | wc -l) -ge 16 ]]"
check "  the PDF is a PDF" bash -c "head -c 5 '$work/t.pdf' | grep -q '%PDF-'"
check "  the JSON keeps the lowest actions" grep -q '"lowest_action"' "$work/t.json"

check "explain without an endpoint says how to configure one" expect_exit 2 env -u CODESCOPE_EXPLAIN_URL \
  "$CLI" explain --model "$lm" --dataset "$tokens"
check "  in one line naming the variable" one_line_naming CODESCOPE_EXPLAIN_URL
check "explain --records alone needs no endpoint" expect_exit 0 env -u CODESCOPE_EXPLAIN_URL \
  "$CLI" explain --model "$lm" --dataset "$tokens" --neurons 2 --projections 2 --records "$work/records.json"
check "  the records hold train and held-out windows" bash -c "grep -q train_top '$work/records.json' && \
  grep -q validation_random '$work/records.json'"

"$CHAT_SERVER" >"$work/server_url" &
server_pid=$!
for _ in $(seq 50); do [[ -s $work/server_url ]] && break; sleep 0.1; done
url=$(cat "$work/server_url")
check "explain against a local endpoint scores neurons and projections" expect_exit 0 "$CLI" explain --model "$lm" \
  --dataset "$tokens" --neurons 2 --projections 2 --endpoint "$url" --explainer-model stand-in --json "$work/s.json"
check "  the explanation is the endpoint's" grep -q '"letters and spaces"' "$work/s.json"
check "  the run is complete with scores" bash -c "grep -q '\"complete\": true' '$work/s.json' && \
  grep -q '\"score\": [-0-9]' '$work/s.json'"
check "  the table has both kinds per layer" grep -q "projection score" "$work/out"
check "  simulated values are expected values from log-probabilities" bash -c "grep -q \
  '\"simulation\": \"expected_value\"' '$work/s.json' && grep -q 'log-probabilities' '$work/out'"
kill $server_pid; wait $server_pid 2>/dev/null; server_pid=""
"$CHAT_SERVER" --no-logprobs >"$work/server_url2" &
server_pid=$!
for _ in $(seq 50); do [[ -s $work/server_url2 ]] && break; sleep 0.1; done
check "explain against an endpoint without log-probabilities" expect_exit 0 "$CLI" explain --model "$lm" \
  --dataset "$tokens" --neurons 1 --projections 1 --endpoint "$(cat "$work/server_url2")" --explainer-model s \
  --json "$work/s2.json"
check "  falls back to the written numbers and says so" bash -c "grep -q '\"simulation\": \"parsed_integers\"' \
  '$work/s2.json' && grep -q 'returned no log-probabilities' '$work/out'"
kill $server_pid; wait $server_pid 2>/dev/null; server_pid=""
check "a dead endpoint fails after its retries, keeping the JSON" expect_exit 2 "$CLI" explain --model "$lm" \
  --dataset "$tokens" --neurons 1 --projections 0 --endpoint "$url" --explainer-model x --attempts 2 \
  --json "$work/dead.json"
check "  the error names the URL" grep -q "$url" "$work/err"
check "  the partial JSON says it is incomplete" grep -q '"complete": false' "$work/dead.json"

text="$work/corpus.txt"
for _ in $(seq 40); do cat /usr/share/common-licenses/Apache-2.0; done | head -c 60000 >"$text"
check "train --model tiny-lm on a text" expect_exit 0 "$CLI" train --model tiny-lm --text "$text" --steps 40 \
  --out "$work/tiny" --quiet
check "analyze --run tiny-lm --text (byte tokens, no tokenizer)" expect_exit 0 "$CLI" analyze --run "$work/tiny" \
  --text "$text" --samples 40 --bootstrap 0 --fit-range 2:20 --quiet
check "  four blocks' GELUs" bash -c "[[ \$(grep -c 'blocks.[0-9].mlp.gelu' '$work/out') -eq 4 ]]"

check "ids outside the vocabulary are refused" expect_exit 2 "$CLI" analyze --run "$work/tiny" \
  --dataset "tokens:$TESTDATA/language/byte_tokens_out_of_vocab.npy" --quiet
check "  one line with the id's position" one_line_naming "byte_tokens_out_of_vocab.npy"
check "invalid UTF-8 names the file and the byte" expect_exit 2 "$CLI" analyze --model "$lm" \
  --text "$TESTDATA/language/invalid_utf8.txt" --tokenizer "$TESTDATA/tokenizer" --context 8 --quiet
check "  one line with the offset" one_line_naming "invalid_utf8.txt"
check "a text for a BPE model needs its tokenizer" expect_exit 2 "$CLI" analyze --model "$lm" --text "$text" --quiet
check "  one line saying so" one_line_naming "--tokenizer"
check "a missing token file" expect_exit 2 "$CLI" trajectories --model "$lm" --dataset "tokens:$work/none.npy"
check "  one line naming it" one_line_naming "none.npy"
check "an id the traced model cannot embed" expect_exit 2 "$CLI" analyze --model "$lm" \
  --dataset "tokens:$TESTDATA/language/lm_tokens_out_of_vocab.npy" --bootstrap 0 --fit-range 2:10 --quiet
finish
