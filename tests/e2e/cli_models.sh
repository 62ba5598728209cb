#!/usr/bin/env bash
# End to end: train a tiny dropout sweep, resume it, list its layers and analyze a run through codescope-cli, as a
# user would; then the bad inputs of train/layers/analyze. Uses the Fashion-MNIST package the setup installs.
set -u
: "${CLI:?CLI must point at codescope-cli}" "${TESTDATA:?TESTDATA must point at tests/data}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/e2e_support.sh"
runs="$work/runs"
train() { "$CLI" train --dropout 0,0.5 --samples 1000 --test-samples 200 --batch 50 --out "$runs" --quiet "$@"; }

check "train --help documents the sweep" bash -c "'$CLI' train --help | grep -q -- --dropout"
check "a two-run sweep of one epoch trains" expect_exit 0 train --epochs 1
check "each run has its manifest, checkpoint and model" bash -c \
  "for r in dropout-0 dropout-0.5; do for f in manifest.json checkpoint.pt model.pt; do \
     test -s '$runs/'\$r/\$f || exit 1; done; done"
check "the sweep summary lists both runs" bash -c "grep -c '\"directory\"' '$runs/sweep.json' | grep -qx 2"
check "the table reports time per epoch" grep -q "s/epoch" "$work/out"
check "the manifest records the authors' dropout placement, BCE and the demo preset" bash -c "tr -d ' \n' \
  <'$runs/dropout-0/manifest.json' | grep -q '\"preset\":\"demo\".*\"loss\":\"bce\".*\"dropout_placement\":\"encoder\"'"
check "train --help documents presets, placement and loss" bash -c "'$CLI' train --help | grep -q -- '--preset NAME' && \
  '$CLI' train --help | grep -q -- '--dropout-placement' && '$CLI' train --help | grep -q -- '--loss L'"
check "--dropout-placement all --loss mse trains a run" expect_exit 0 "$CLI" train --dropout 0.2 --samples 100 \
  --test-samples 20 --epochs 1 --dropout-placement all --loss mse --out "$work/alt" --quiet
check "its manifest says so" bash -c "tr -d ' \n' <'$work/alt/dropout-0.2/manifest.json' | \
  grep -q '\"loss\":\"mse\".*\"dropout_placement\":\"all\"'"
check "an unknown loss is a usage error" expect_exit 2 "$CLI" train --loss l1 --out "$work/r3"
check "the loss is named" one_line_naming "l1"
check "an unknown placement is a usage error" expect_exit 2 "$CLI" train --dropout-placement fc --out "$work/r3"
check "an unknown preset is a usage error" expect_exit 2 "$CLI" train --preset fast --out "$work/r3"
check "--preset paper without CIFAR-10's folder is a usage error" expect_exit 2 "$CLI" train --preset paper \
  --out "$work/r3"
check "the line asks for cifar10:FOLDER" one_line_naming "cifar10:FOLDER"
check "nothing is trained on these errors" test ! -e "$work/r3"
# The authors' experiment on the 3-image CIFAR fixture, one epoch: says it is long, estimates first, records it.
check "--preset paper trains the authors' model" expect_exit 0 "$CLI" train --preset paper --dropout 0.2 --epochs 1 \
  --dataset "cifar10:$TESTDATA/images/cifar_all" --out "$work/paper"
check "it warns that a CPU takes days and prints an ETA before training" bash -c "grep -q 'takes days' '$work/err' && \
  grep -q '^estimate: .* per epoch, ETA ' '$work/err' && grep -q '/epoch  ETA' '$work/err'"
check "its manifest records the paper preset and the authors' sizes" bash -c "tr -d ' \n' \
  <'$work/paper/dropout-0.2/manifest.json' | grep -q '\"preset\":\"paper\",\"model\":\"resnet-vae\".*\"hidden2\":768'"
rm -rf "$work/paper"
check "a longer sweep resumes from the checkpoints" expect_exit 0 train --epochs 3
check "both runs say they resumed" bash -c "[[ \$(grep -c resumed '$work/out') -eq 2 ]]"
check "the manifest records three epochs" bash -c "tr -d ' \n' <'$runs/dropout-0/manifest.json' | \
  grep -q '\"epochs_completed\":3'"
untrained=$(json_number "$runs/dropout-0/manifest.json" untrained_test_loss)
final=$(json_number "$runs/dropout-0/manifest.json" final_test_loss)
check "training lowers the test loss ($untrained -> $final)" awk -v a="$untrained" -v b="$final" \
  'BEGIN{exit !(a != "" && b != "" && b < a - 5)}'
check "a finished sweep is not retrained" expect_exit 0 train --epochs 3
check "both runs were already finished" bash -c "[[ \$(grep -c 'already finished' '$work/out') -eq 2 ]]"

check "layers --run lists the 23 ReLU layers" expect_exit 0 "$CLI" layers --run "$runs/dropout-0"
check "layers names the stem and the decoder" bash -c "grep -q 'resnet.2 ' '$work/out' && grep -q convTrans7.2 '$work/out'"
check "analyze --run exits 0" expect_exit 0 "$CLI" analyze --run "$runs/dropout-0.5" --dataset fashion-mnist \
  --samples 200 --bootstrap 20 --projections 50 --json "$work/a.json" --quiet
check "analyze writes 23 layers" bash -c "[[ \$(grep -c '\"depth\":' '$work/a.json') -eq 23 ]]"
check "every layer has the issue's keys" bash -c "for k in name depth n_features stride alpha alpha_ci95 eigenvalues \
  action_mean action_sd explained_variance_stimulus eq4_expected_action eq3_capacity_bits; do \
  [[ \$(grep -c \"\\\"\$k\\\":\" '$work/a.json') -eq 23 ]] || { echo \"  key \$k\"; exit 1; }; done"
check "the JSON records its provenance" bash -c "tr -d ' \n' <'$work/a.json' | grep -q '\"provenance\":{' && \
  grep -q '3 epochs instead of 20' '$work/a.json' && \
  grep -q '28 x 28 Fashion-MNIST instead of 224 x 224 CIFAR-10' '$work/a.json' && \
  grep -q '\"dropout_placement\": \"encoder\"' '$work/a.json' && grep -q implementation_defaults '$work/a.json'"
check "the summary prints every layer" bash -c "[[ \$(grep -c 'relu' '$work/out') -ge 20 ]]"
check "one analysis carries the per-run paper checks" bash -c "grep -q '\"paper_checks\"' '$work/a.json' && \
  grep -q 'alpha falls with depth (Fig. 3c, 6b)' '$work/out'"
check "a run's paper checks know its dropout rate from its manifest" bash -c "! grep -q \
  'the dropout rate of this model is not known' '$work/a.json'"
sweep_args=(--sweep "$runs" --dataset fashion-mnist --samples 100 --bootstrap 0 --projections 20 --quiet)
check "analyze --sweep analyses every run" expect_exit 0 "$CLI" analyze "${sweep_args[@]}"
check "the sweep table has a column per run" grep -q "D=0 .*D=0.5" "$work/out"
check "the sweep prints the paper checks" bash -c "grep -q '^Paper checks' '$work/out' && \
  grep -q 'alpha falls with the dropout rate, layer by layer (Fig. 6b): only 2 dropout rates (0, 0.5' '$work/out'"
check "analyze --sweep --json writes the runs and the paper checks" expect_exit 0 "$CLI" analyze "${sweep_args[@]}" \
  --json "$work/sweep.json"
check "the sweep JSON has both runs and nine claims with rule and verdict" bash -c \
  "[[ \$(grep -c '\"dropout\":' '$work/sweep.json') -eq 2 && \$(grep -c '\"paper_figure\":' '$work/sweep.json') -eq 9 && \
     \$(grep -c '\"rule\":' '$work/sweep.json') -eq 9 ]] && grep -q '\"verdict\": \"cannot tell\"' '$work/sweep.json'"
check "each run caches its analysis" bash -c "ls '$runs'/dropout-0/analysis-*.json '$runs'/dropout-0.5/analysis-*.json"
check "a second sweep analysis reads both caches" expect_exit 0 "$CLI" analyze "${sweep_args[@]}"
check "both runs came from the cache" bash -c "[[ \$(grep -c ', cached' '$work/out') -eq 2 ]]"
check "another setting is not served from the cache" expect_exit 0 "$CLI" analyze "${sweep_args[@]}" --fit-range 5:40
check "nothing cached for the new setting" bash -c "! grep -q ', cached' '$work/out'"
check "report --sweep writes the PDF" expect_exit 0 "$CLI" report --sweep "$runs" --pdf "$work/report.pdf"
if command -v pdfinfo >/dev/null; then
  check "the report has each run's spectrum, alpha vs depth, 4 coding plots and the paper checks" bash -c \
    "pdfinfo '$work/report.pdf' | grep -Eq '^Pages: +8$'"
fi
# A sweep with a broken run (a truncated model) and a vanished one: the others are analysed and reported, the two
# are named at the end, and the exit status says that not everything could be analysed.
broken="$work/broken"
cp -r "$runs" "$broken"
cp -r "$broken/dropout-0.5" "$broken/dropout-0.9"
rm -f "$broken"/dropout-0.9/analysis-*.json
head -c 1000 "$runs/dropout-0.5/model.pt" >"$broken/dropout-0.9/model.pt"
sed -i 's/"runs": *\[/"runs": [{"dropout": 0.9, "directory": "dropout-0.9"}, {"dropout": 0.95, "directory": "gone"},/' \
  "$broken/sweep.json"
check "a sweep with broken runs exits 2 after analysing the rest" expect_exit 2 "$CLI" analyze --sweep "$broken" \
  --dataset fashion-mnist --samples 100 --bootstrap 0 --projections 20 --quiet
check "the good runs are in the sweep table" grep -q "D=0 .*D=0.5" "$work/out"
check "the end names both broken runs" bash -c "tail -3 '$work/err' | grep -q '2 of 4 runs could not be analysed' && \
  tail -2 '$work/err' | grep -q 'dropout-0.9: .*model.pt' && tail -2 '$work/err' | grep -q 'gone: .*manifest.json'"
check "a report of the broken sweep still has the good runs" expect_exit 0 "$CLI" report --sweep "$broken" \
  --pdf "$work/broken.pdf"
check "the report names the runs it left out" bash -c "grep -q 'dropout-0.9' '$work/err' && grep -q 'gone' '$work/err'"
check "a report into a missing folder exits 2" expect_exit 2 "$CLI" report --sweep "$runs" --pdf "$work/none/r.pdf"
check "the report's target is named" one_line_naming "r.pdf"
check "a report of a folder that is no sweep exits 2" expect_exit 2 "$CLI" report --sweep "$work" --pdf "$work/x.pdf"
check "no report written on failure" test ! -e "$work/x.pdf"
check "an unknown estimator is a usage error" expect_exit 2 "$CLI" analyze "${sweep_args[@]}" --estimator ols
check "analyze --estimator mle --robustness writes every estimator" expect_exit 0 "$CLI" analyze \
  --run "$runs/dropout-0" --dataset fashion-mnist --samples 100 --bootstrap 0 --projections 0 --estimator mle \
  --robustness --json "$work/robust.json" --quiet
check "analyze --csv writes one row per layer" bash -c "'$CLI' analyze --run '$runs/dropout-0' --dataset fashion-mnist \
  --samples 100 --bootstrap 0 --projections 0 --csv '$work/layers.csv' --quiet >/dev/null && \
  head -1 '$work/layers.csv' | grep -q '^depth,layer,shape' && [[ \$(wc -l <'$work/layers.csv') -eq 24 ]]"
check "the JSON holds the fit-range table and the three estimators" bash -c "grep -q fit_range_table '$work/robust.json' \
  && grep -q '\"wls\"' '$work/robust.json' && grep -q '\"estimator\": \"mle\"' '$work/robust.json'"
check "analyze --spectrum cvpca exits 0" expect_exit 0 "$CLI" analyze --run "$runs/dropout-0" --dataset fashion-mnist \
  --samples 200 --projections 0 --spectrum cvpca --json "$work/cv.json" --quiet
check "the JSON says which spectrum" grep -q '"spectrum": "cvpca"' "$work/cv.json"
check "an unknown spectrum is a usage error" expect_exit 2 "$CLI" analyze --run "$runs/dropout-0" \
  --dataset fashion-mnist --spectrum ica
check "eigenfilters of a layer exit 0" expect_exit 0 "$CLI" eigenfilters --run "$runs/dropout-0" --dataset fashion-mnist \
  --layer resnet.5.0.relu --samples 200 --components 8 --png "$work/f.png" --npy "$work/f.npy" --json "$work/f.json"
check "the gallery is a PNG" bash -c "head -c 8 '$work/f.png' | od -An -c | grep -q 'P   N   G'"
check "the filters are 8 x 784 float32" bash -c "head -c 128 '$work/f.npy' | grep -q \"'shape': (8, 784)\""
check "the JSON holds 8 eigenvalues" bash -c "tr -d ' \n' <'$work/f.json' | grep -Eq '\"eigenvalues\":\[([-0-9.e]+,){7}[-0-9.e]+\]'"
check "eigenfilters of an unknown layer exit 2" expect_exit 2 "$CLI" eigenfilters --run "$runs/dropout-0" \
  --dataset fashion-mnist --layer nope --png "$work/g.png"
check "the unknown layer is named" one_line_naming "nope"
check "no gallery written on failure" test ! -e "$work/g.png"

# Bad input: exit 2, one line naming what is wrong, no output file.
check "analyze of a missing run exits 2" expect_exit 2 "$CLI" analyze --run "$work/nope" --dataset fashion-mnist \
  --json "$work/x.json"
check "the missing run is named" one_line_naming "nope"
check "no JSON written on failure" test ! -e "$work/x.json"
check "a missing data set exits 2" expect_exit 2 "$CLI" analyze --run "$runs/dropout-0" --dataset cifar10:"$work/none"
check "the missing data set is named" one_line_naming "none"
check "an unknown layer exits 2" expect_exit 2 "$CLI" analyze --run "$runs/dropout-0" --dataset fashion-mnist \
  --layers resnet.99
check "the unknown layer is named" one_line_naming "resnet.99"
check "a model that rejects the input exits 2" expect_exit 2 "$CLI" layers --model "$TESTDATA/torchscript/mlp_traced.pt" \
  --input-shape 1,8,8
check "the rejecting model is named" one_line_naming "mlp_traced.pt"
check "layers --model takes a ResNet-VAE state_dict" expect_exit 0 "$CLI" layers \
  --model "$TESTDATA/resnet_vae/small_state_dict.pt"
check "its 23 ReLU layers at resnet-vae-small's size" grep -q "23 layers (input 1x28x28)" "$work/out"
check "another model's state_dict exits 2" expect_exit 2 "$CLI" layers \
  --model "$TESTDATA/resnet_vae/unrelated_state_dict.pt"
check "the state_dict is named on one line" one_line_naming "unrelated_state_dict.pt"
check "the line says how to export TorchScript" grep -qF "torch.jit.trace(model.eval(), example)" "$work/err"
head -c 2000 "$runs/dropout-0/model.pt" >"$runs/dropout-0/model.pt.cut" && mv "$runs/dropout-0/model.pt.cut" \
  "$runs/dropout-0/model.pt"
check "a truncated model exits 2" expect_exit 2 "$CLI" analyze --run "$runs/dropout-0" --dataset fashion-mnist
check "the truncated model is named" one_line_naming "model.pt"
check "a bad dropout rate is a usage error" expect_exit 2 "$CLI" train --dropout 1.5 --out "$work/r2"
check "nothing is trained on a usage error" test ! -e "$work/r2"

finish
