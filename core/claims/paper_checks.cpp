#include "core/claims/paper_checks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "core/claims/rank_correlation.h"
#include "core/claims/spectrum_step.h"

namespace codescope::claims {

namespace {

// The tolerance of "near -1" (kNearMinusOneTolerance = 0.25): the paper states none ("very close to -1", as in mouse
// and macaque visual cortex). A quarter of the way from -1 to a flat spectrum (0) separates "near -1" from what the
// paper contrasts it with (alpha well above -1 in intermediate layers, steep redundant codes far below it), and is
// wider than what the analysis' own choices (fit range, estimator, bootstrap spread) move alpha by, so a layer is not
// failed for a setting. The interval is shown beside it for a reader who wants a stricter rule.

std::string format(const char* pattern, double value) {
    char text[64];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

std::string rateText(double dropout) {
    return format("%g", dropout);
}

std::string count(std::size_t n, const std::string& noun) {
    return std::to_string(n) + " " + (n == 1 ? noun.substr(0, noun.size() - 1) : noun); // "1 run", "2 runs"
}

bool hasLayers(const CheckedRun& run) {
    return run.layers && !run.layers->empty();
}

const results::LayerSpectrum* findLayer(const CheckedRun& run, const std::string& name) {
    for (const results::LayerSpectrum& entry : *run.layers)
        if (entry.layer.name == name) return &entry;
    return nullptr;
}

// The first third of a run's layers by depth (at least one): "early layers" (Fig. 3c). The layers come in depth
// order; their number counts every layer, with or without an exponent, so it does not depend on the fit.
std::size_t earlyLayerCount(std::size_t layers) {
    return (layers + 2) / 3;
}

CheckItem cannotTell(std::string scope, std::string reason, std::string figure = {}) {
    return {std::move(scope), std::move(figure), Verdict::CannotTell, std::move(reason)};
}

// One trend: Spearman's rho of y against x, tested one-sided in the direction the paper states (rising or falling).
// Cannot tell when even a perfect order of these values could not reach kSignificance (too few pairs or ties).
CheckItem trendItem(std::string scope, const std::vector<double>& x, const std::vector<double>& y, bool rising,
                    const std::string& unit, const std::string& leftOut) {
    const std::string suffix = leftOut.empty() ? "" : "; " + leftOut;
    if (x.size() < 3)
        return cannotTell(std::move(scope), "only " + count(x.size(), unit) + " with values (a trend needs 3)",
                          "n = " + count(x.size(), unit) + suffix);
    const RankCorrelation rc = spearman(x, y);
    if (std::isnan(rc.rho))
        return cannotTell(std::move(scope), "every value is the same, nothing to rank",
                          "n = " + count(x.size(), unit) + suffix);
    const double p = rising ? rc.pGreater : rc.pLess, other = rising ? rc.pLess : rc.pGreater;
    CheckItem item;
    item.scope = std::move(scope);
    item.figure = format("rho = %+.2f", rc.rho) + format(", one-sided p = %.2g", p) +
                  (rc.exact ? " (exact)" : " (t approx.)") + ", n = " + count(x.size(), unit) + suffix;
    if (p < kSignificance) {
        item.verdict = Verdict::Holds;
        return item;
    }
    if (const double best = smallestOneSidedP(x, y, rising); best >= kSignificance) {
        item.verdict = Verdict::CannotTell;
        item.reason = "with " + count(x.size(), unit) + " even a perfect order gives p = " + format("%.2g", best) +
                      format(" >= %g", kSignificance);
        return item;
    }
    item.verdict = Verdict::DoesNotHold;
    item.reason = other < kSignificance ? std::string("a significant trend the other way")
                                        : "no significant trend" + format(" (p >= %g)", kSignificance);
    return item;
}

// A claim's verdict and summary from its items (see PaperCheck::verdict).
void conclude(PaperCheck& check, const std::string& unit) {
    std::size_t holds = 0, fails = 0, unknown = 0;
    for (const CheckItem& item : check.items)
        (item.verdict == Verdict::Holds ? holds : item.verdict == Verdict::DoesNotHold ? fails : unknown) += 1;
    const std::size_t total = check.items.size();
    if (total == 1) { // one item: its own numbers and reason say it all
        const CheckItem& item = check.items.front();
        check.verdict = item.verdict;
        check.figure = item.figure + (item.figure.empty() || item.reason.empty() ? "" : " -- ") + item.reason;
        return;
    }
    if (holds + fails == 0) {
        check.verdict = Verdict::CannotTell;
        check.figure =
            "cannot tell in any of the " + count(total, unit) + " (first: " + check.items.front().reason + ")";
        return;
    }
    check.verdict = holds > fails ? Verdict::Holds : fails > holds ? Verdict::DoesNotHold : Verdict::CannotTell;
    check.figure = "holds in " + std::to_string(holds) + " of " + count(total, unit);
    if (fails) check.figure += ", does not hold in " + std::to_string(fails);
    if (unknown) check.figure += ", cannot tell in " + std::to_string(unknown);
}

// Per-run values of the layers that have them: x and y from each layer (nullopt leaves the layer out).
struct LayerPairs {
    std::vector<double> x, y;
    std::size_t leftOut = 0;
};
using LayerValue = std::function<std::optional<double>(const results::LayerSpectrum&)>;

LayerPairs layerPairs(const CheckedRun& run, const LayerValue& x, const LayerValue& y) {
    LayerPairs pairs;
    for (const results::LayerSpectrum& entry : *run.layers) {
        const std::optional<double> a = x(entry), b = y(entry);
        if (a && b) {
            pairs.x.push_back(*a);
            pairs.y.push_back(*b);
        } else {
            ++pairs.leftOut;
        }
    }
    return pairs;
}

std::optional<double> depthOf(const results::LayerSpectrum& entry) {
    return static_cast<double>(entry.layer.depth);
}
std::optional<double> alphaOf(const results::LayerSpectrum& entry) {
    if (!entry.spectrum.fitted() || !std::isfinite(entry.spectrum.alpha)) return std::nullopt;
    return entry.spectrum.alpha;
}
std::optional<double> actionOf(const results::LayerSpectrum& entry) {
    if (!entry.coding || !std::isfinite(entry.coding->actionMean)) return std::nullopt;
    return entry.coding->actionMean;
}
std::optional<double> varianceOf(const results::LayerSpectrum& entry) {
    if (!entry.coding || !std::isfinite(entry.coding->stimulusR2Mean)) return std::nullopt;
    return entry.coding->stimulusR2Mean;
}
bool hasCoding(const CheckedRun& run) {
    return std::any_of(run.layers->begin(), run.layers->end(), [](const auto& entry) { return entry.coding; });
}

const char* const kNoCoding = "no coding record (analyse with --projections K > 0)";

// A trend over one run's layers, one item per run.
PaperCheck perRunTrend(const std::vector<CheckedRun>& runs, PaperCheck check, const LayerValue& x, const LayerValue& y,
                       bool rising, bool needsCoding, const std::string& leftOutWhat) {
    for (const CheckedRun& run : runs) {
        const std::string scope = "run " + run.name;
        if (needsCoding && !hasCoding(run)) {
            check.items.push_back(cannotTell(scope, kNoCoding));
            continue;
        }
        const LayerPairs pairs = layerPairs(run, x, y);
        const std::string leftOut =
            pairs.leftOut ? count(pairs.leftOut, "layers") + " " + leftOutWhat + " left out" : "";
        check.items.push_back(trendItem(scope, pairs.x, pairs.y, rising, "layers", leftOut));
    }
    conclude(check, "runs");
    return check;
}

// Every layer name of the runs, in the order of the run with the most layers, then any others as first seen.
std::vector<std::string> layerNames(const std::vector<CheckedRun>& runs) {
    const CheckedRun* longest = &runs.front();
    for (const CheckedRun& run : runs)
        if (run.layers->size() > longest->layers->size()) longest = &run;
    std::vector<std::string> names;
    for (const results::LayerSpectrum& entry : *longest->layers)
        names.push_back(entry.layer.name);
    for (const CheckedRun& run : runs)
        for (const results::LayerSpectrum& entry : *run.layers)
            if (std::find(names.begin(), names.end(), entry.layer.name) == names.end())
                names.push_back(entry.layer.name);
    return names;
}

std::vector<double> distinctRates(const std::vector<CheckedRun>& runs) {
    std::vector<double> rates;
    for (const CheckedRun& run : runs)
        if (run.dropout && std::find(rates.begin(), rates.end(), *run.dropout) == rates.end())
            rates.push_back(*run.dropout);
    std::sort(rates.begin(), rates.end());
    return rates;
}

std::string ratesText(const std::vector<double>& rates) {
    std::string text;
    for (double rate : rates)
        text += (text.empty() ? "" : ", ") + rateText(rate);
    return text.empty() ? "none known" : text;
}

// A trend across runs, layer by layer: y of the layer against the runs' dropout rates.
PaperCheck perLayerDropoutTrend(const std::vector<CheckedRun>& runs, PaperCheck check, const LayerValue& y, bool rising,
                                bool needsCoding) {
    const std::vector<double> rates = distinctRates(runs);
    if (rates.size() < 3) {
        check.items.push_back(cannotTell("sweep", "only " + count(rates.size(), "dropout rates") + " (" +
                                                      ratesText(rates) + "; a trend needs 3)"));
        conclude(check, "layers");
        return check;
    }
    if (needsCoding && std::none_of(runs.begin(), runs.end(), hasCoding)) {
        check.items.push_back(cannotTell("sweep", kNoCoding));
        conclude(check, "layers");
        return check;
    }
    for (const std::string& name : layerNames(runs)) {
        std::vector<double> x, values;
        std::size_t leftOut = 0;
        for (const CheckedRun& run : runs) {
            if (!run.dropout) continue;
            const results::LayerSpectrum* entry = findLayer(run, name);
            const std::optional<double> value = entry ? y(*entry) : std::nullopt;
            if (value) {
                x.push_back(*run.dropout);
                values.push_back(*value);
            } else {
                ++leftOut;
            }
        }
        check.items.push_back(trendItem("layer " + name, x, values, rising, "runs",
                                        leftOut ? count(leftOut, "runs") + " without a value left out" : ""));
    }
    conclude(check, "layers");
    return check;
}

PaperCheck describe(const char* id, const char* claim, const char* figure, std::string rule) {
    PaperCheck check;
    check.id = id;
    check.claim = claim;
    check.paperFigure = figure;
    check.rule = std::move(rule);
    return check;
}

bool atRate(const CheckedRun& run, double rate) {
    return run.dropout && std::fabs(*run.dropout - rate) < 1e-9;
}

PaperCheck nearMinusOne(const std::vector<CheckedRun>& runs) {
    PaperCheck check =
        describe("alpha-near-minus-one", "alpha is near -1 in the early layers at dropout 0.2", "Fig. 3c, 6b",
                 format("|alpha + 1| < %g", kNearMinusOneTolerance) +
                     " in each of the first third of the layers (by depth) of a run at dropout " +
                     rateText(kNearMinusOneDropout) +
                     "; the paper states no tolerance: a quarter of the way from -1 to a flat spectrum (0), wider than "
                     "what fit range and estimator move alpha by (95% CI shown, not used)");
    bool any = false;
    for (const CheckedRun& run : runs) {
        if (!atRate(run, kNearMinusOneDropout)) continue;
        any = true;
        const std::size_t early = earlyLayerCount(run.layers->size());
        for (std::size_t i = 0; i < early; ++i) {
            const results::LayerSpectrum& entry = (*run.layers)[i];
            const spectrum::SpectrumResult& r = entry.spectrum;
            const std::string scope = "run " + run.name + ", layer " + entry.layer.name;
            if (!alphaOf(entry)) {
                check.items.push_back(cannotTell(scope, "no alpha (" + spectrum::statusKind(r.status) + ")"));
                continue;
            }
            CheckItem item;
            item.scope = scope;
            item.figure = format("alpha = %.3f", r.alpha);
            if (std::isfinite(r.alphaCiLo) && std::isfinite(r.alphaCiHi))
                item.figure += format(" [95%% CI %.3f, ", r.alphaCiLo) + format("%.3f]", r.alphaCiHi);
            const double distance = std::fabs(r.alpha + 1);
            item.figure += format(", |alpha + 1| = %.3f", distance);
            item.verdict = distance < kNearMinusOneTolerance ? Verdict::Holds : Verdict::DoesNotHold;
            if (item.verdict == Verdict::DoesNotHold) item.reason = format("|alpha + 1| >= %g", kNearMinusOneTolerance);
            check.items.push_back(std::move(item));
        }
    }
    if (!any) {
        std::vector<double> rates = distinctRates(runs);
        check.items.push_back(cannotTell("sweep", rates.empty()
                                                      ? std::string("the dropout rate of this model is not known")
                                                      : "no run at dropout " + rateText(kNearMinusOneDropout) +
                                                            " (rates here: " + ratesText(rates) + ")"));
    }
    conclude(check, "layers");
    return check;
}

PaperCheck actionFiniteBelowMinusOne(const std::vector<CheckedRun>& runs) {
    PaperCheck check =
        describe("action-finite-below-minus-one", "the action is finite only for alpha < -1", "eq. 4, Fig. 4c",
                 "eq. 4's expected action 1/2 zeta(-alpha) diverges for alpha >= -1; measured on a finite layer: per "
                 "run, the layers with alpha >= -1 have larger mean actions than those with alpha < -1 (Spearman's "
                 "rho of the action against the indicator alpha >= -1, a rank-biserial test), one-sided p < " +
                     format("%g", kSignificance));
    for (const CheckedRun& run : runs) {
        const std::string scope = "run " + run.name;
        if (!hasCoding(run)) {
            check.items.push_back(cannotTell(scope, kNoCoding));
            continue;
        }
        const LayerPairs pairs = layerPairs(
            run,
            [](const auto& entry) -> std::optional<double> {
                if (const auto alpha = alphaOf(entry)) return *alpha >= -1 ? 1.0 : 0.0;
                return std::nullopt;
            },
            actionOf);
        std::vector<double> below, above;
        for (std::size_t i = 0; i < pairs.x.size(); ++i)
            (pairs.x[i] > 0 ? above : below).push_back(pairs.y[i]);
        if (below.empty() || above.empty()) {
            check.items.push_back(cannotTell(scope, below.empty() ? "no layer with alpha < -1 to compare"
                                                                  : "no layer with alpha >= -1 to compare"));
            continue;
        }
        const auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            const std::size_t h = v.size() / 2;
            return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
        };
        const std::string groups = "median action " + format("%.3g", median(below)) + " for " +
                                   count(below.size(), "layers") + " with alpha < -1, " +
                                   format("%.3g", median(above)) + " for " + count(above.size(), "layers") +
                                   " with alpha >= -1";
        CheckItem item =
            trendItem(scope, pairs.x, pairs.y, true, "layers",
                      pairs.leftOut ? count(pairs.leftOut, "layers") + " without alpha or action left out" : "");
        item.figure = groups + "; " + item.figure;
        check.items.push_back(std::move(item));
    }
    conclude(check, "runs");
    return check;
}

PaperCheck stepSpectra(const std::vector<CheckedRun>& runs) {
    PaperCheck check =
        describe("step-spectra-at-high-dropout", "later layers' spectra are step-like at high dropout", "Fig. 5",
                 "per layer after the first third (by depth): the largest fall of the eigenvalues over " +
                     std::to_string(kStepWindow) + " consecutive components (up to component " +
                     std::to_string(kStepMaxComponent) +
                     " and half the spectrum) beyond the layer's own power law, in decades, is at least " +
                     format("%g", kStepLikeDecades) + " at the sweep's highest dropout and larger than at its lowest");
    const std::vector<double> rates = distinctRates(runs);
    if (rates.size() < 2) {
        check.items.push_back(cannotTell("sweep", "only " + count(rates.size(), "dropout rates") + " (" +
                                                      ratesText(rates) + "; the comparison needs 2)"));
        conclude(check, "layers");
        return check;
    }
    const auto runAt = [&](double rate) {
        return std::find_if(runs.begin(), runs.end(), [&](const CheckedRun& run) { return atRate(run, rate); });
    };
    const CheckedRun& low = *runAt(rates.front());
    const CheckedRun& high = *runAt(rates.back());
    const std::string lowRate = rateText(rates.front()), highRate = rateText(rates.back());
    for (std::size_t i = earlyLayerCount(high.layers->size()); i < high.layers->size(); ++i) {
        const results::LayerSpectrum& entry = (*high.layers)[i];
        const std::string scope = "layer " + entry.layer.name;
        const results::LayerSpectrum* lowEntry = findLayer(low, entry.layer.name);
        const SpectrumStep highStep = largestSpectrumStep(entry.spectrum);
        if (std::isnan(highStep.decades)) {
            check.items.push_back(cannotTell(scope, "no step measure at dropout " + highRate +
                                                        " (no alpha or too few "
                                                        "components)"));
            continue;
        }
        const SpectrumStep lowStep = lowEntry ? largestSpectrumStep(lowEntry->spectrum) : SpectrumStep{std::nan(""), 0};
        CheckItem item;
        item.scope = scope;
        item.figure = format("step %.2f decades", highStep.decades) + " from component " +
                      std::to_string(highStep.component) + " at dropout " + highRate;
        if (std::isnan(lowStep.decades)) {
            item.verdict = Verdict::CannotTell;
            item.reason = "no step measure at dropout " + lowRate +
                          (lowEntry ? " (no alpha or too few components)" : " (the layer is missing there)");
            check.items.push_back(std::move(item));
            continue;
        }
        item.figure += format(", %.2f", lowStep.decades) + " at dropout " + lowRate;
        if (highStep.decades < kStepLikeDecades) {
            item.verdict = Verdict::DoesNotHold;
            item.reason = "not step-like at dropout " + highRate + format(" (< %g decades)", kStepLikeDecades);
        } else if (highStep.decades <= lowStep.decades) {
            item.verdict = Verdict::DoesNotHold;
            item.reason = "no more step-like than at dropout " + lowRate;
        } else {
            item.verdict = Verdict::Holds;
        }
        check.items.push_back(std::move(item));
    }
    if (check.items.empty()) check.items.push_back(cannotTell("sweep", "no layers after the first third"));
    conclude(check, "layers");
    return check;
}

std::string oneSided(const char* test, const char* direction) {
    return std::string(test) + ", one-sided: holds when rho " + direction + " 0 with p < " +
           format("%g", kSignificance);
}

// The checks one run makes on its own, in table order after "near -1".
std::vector<PaperCheck> perRunChecks(const std::vector<CheckedRun>& runs) {
    std::vector<PaperCheck> checks;
    checks.push_back(perRunTrend(
        runs,
        describe("alpha-falls-with-depth", "alpha falls with depth", "Fig. 3c, 6b",
                 oneSided("per run, Spearman's rho of alpha against depth over the layers with an exponent", "<") +
                     "; Fig. 3c is not monotone (alpha rises above -1 in intermediate layers, then falls): this "
                     "asks for the overall fall"),
        depthOf, alphaOf, false, false, "without alpha"));
    checks.push_back(actionFiniteBelowMinusOne(runs));
    checks.push_back(perRunTrend(
        runs,
        describe("action-smaller-for-steeper-spectra", "the action is smaller for steeper spectra", "Fig. 4d, 6c",
                 oneSided("per run, Spearman's rho of the mean action of the random projections against alpha", ">")),
        alphaOf, actionOf, true, true, "without alpha or action"));
    checks.push_back(perRunTrend(
        runs,
        describe("variance-grows-with-depth", "explained stimulus variance grows with depth", "Fig. 6d",
                 oneSided("per run, Spearman's rho of the explained stimulus variance (pooled R^2 of the moving "
                          "dot's pixels from a random projection) against depth",
                          ">")),
        depthOf, varianceOf, true, true, "without a coding record"));
    checks.push_back(perRunTrend(
        runs,
        describe("variance-higher-for-lower-action", "explained variance is higher where the action is lower",
                 "Fig. 6e",
                 oneSided("per run, Spearman's rho of the explained stimulus variance against the action", "<")),
        actionOf, varianceOf, false, true, "without a coding record"));
    return checks;
}

} // namespace

const char* verdictText(Verdict verdict) {
    switch (verdict) {
    case Verdict::Holds:
        return "holds";
    case Verdict::DoesNotHold:
        return "does not hold";
    case Verdict::CannotTell:
        return "cannot tell";
    }
    return "cannot tell";
}

std::string verdictRuleText() {
    return "a claim holds when more of its runs or layers hold than not, does not hold when more fail, and cannot "
           "tell on a tie or when none can tell; trends are Spearman's rho (average ranks for ties), tested one-sided "
           "in the paper's direction at p < " +
           format("%g", kSignificance) + " (p exact over every ordering up to " +
           std::to_string(kExactSpearmanMaxPairs) +
           " pairs, else Student's t with n - 2 dof), and \"cannot tell\" where even a perfect order could not reach "
           "it";
}

std::vector<PaperCheck> checkSweep(const std::vector<CheckedRun>& allRuns) {
    std::vector<CheckedRun> runs;
    for (const CheckedRun& run : allRuns)
        if (hasLayers(run)) runs.push_back(run);
    std::stable_sort(runs.begin(), runs.end(), [](const CheckedRun& a, const CheckedRun& b) {
        return a.dropout.value_or(-1) < b.dropout.value_or(-1);
    });
    if (runs.empty()) return {};
    std::vector<PaperCheck> checks = {nearMinusOne(runs)};
    std::vector<PaperCheck> perRun = perRunChecks(runs);
    checks.push_back(std::move(perRun[0])); // alpha by depth, then alpha by dropout: Fig. 6b after Fig. 3c
    checks.push_back(perLayerDropoutTrend(
        runs,
        describe(
            "alpha-falls-with-dropout", "alpha falls with the dropout rate, layer by layer", "Fig. 6b",
            oneSided("per layer, Spearman's rho of alpha against the runs' dropout rates (3 rates at least)", "<")),
        alphaOf, false, false));
    checks.push_back(std::move(perRun[1]));
    checks.push_back(std::move(perRun[2]));
    checks.push_back(std::move(perRun[3]));
    checks.push_back(perLayerDropoutTrend(
        runs,
        describe("variance-grows-with-dropout", "explained stimulus variance grows with dropout", "Fig. 6d",
                 oneSided("per layer, Spearman's rho of the explained stimulus variance against the runs' dropout "
                          "rates (3 rates at least)",
                          ">")),
        varianceOf, true, true));
    checks.push_back(std::move(perRun[4]));
    checks.push_back(stepSpectra(runs));
    return checks;
}

std::vector<PaperCheck> checkAnalysis(const CheckedRun& run) {
    if (!hasLayers(run)) return {};
    const std::vector<CheckedRun> runs = {run};
    std::vector<PaperCheck> checks = {nearMinusOne(runs)};
    for (PaperCheck& check : perRunChecks(runs))
        checks.push_back(std::move(check));
    return checks;
}

std::string paperChecksText(const std::vector<PaperCheck>& checks) {
    std::string text = "Paper checks (" + verdictRuleText() + ")\n";
    const auto line = [&](const char* pattern, const std::string& a, const std::string& b) {
        std::vector<char> buffer(a.size() + b.size() + 64);
        std::snprintf(buffer.data(), buffer.size(), pattern, a.c_str(), b.c_str());
        text += buffer.data();
    };
    for (const PaperCheck& check : checks) {
        line("  %-14s %s", verdictText(check.verdict), check.claim + " (" + check.paperFigure + "): " + check.figure);
        text += "\n";
        line("  %-14s %s\n", "", "rule: " + check.rule);
        if (check.items.size() < 2) continue;
        // Items that cannot tell for one reason (a sweep's many layers without a step measure, say) share one line:
        // the count, the first and last scope, and the reason; the JSON keeps every item.
        std::vector<std::pair<std::string, std::vector<std::string>>> untold;
        for (const CheckItem& item : check.items) {
            if (item.verdict != Verdict::CannotTell || !item.figure.empty() || item.reason.empty()) {
                line("    %-14s %s\n", verdictText(item.verdict),
                     item.scope + ": " + item.figure +
                         (item.reason.empty() ? "" : (item.figure.empty() ? "" : " -- ") + item.reason));
                continue;
            }
            const auto same = std::find_if(untold.begin(), untold.end(),
                                           [&](const auto& group) { return group.first == item.reason; });
            if (same == untold.end())
                untold.push_back({item.reason, {item.scope}});
            else
                same->second.push_back(item.scope);
        }
        for (const auto& [reason, scopes] : untold) {
            const std::string which = scopes.size() == 1 ? scopes.front()
                                                         : std::to_string(scopes.size()) + " items (" + scopes.front() +
                                                               " ... " + scopes.back() + ")";
            line("    %-14s %s\n", verdictText(Verdict::CannotTell), which + ": " + reason);
        }
    }
    return text;
}

std::string paperChecksJson(const std::vector<PaperCheck>& checks) {
    nlohmann::ordered_json json;
    json["verdict_rule"] = verdictRuleText();
    json["significance"] = kSignificance;
    json["checks"] = nlohmann::ordered_json::array();
    for (const PaperCheck& check : checks) {
        nlohmann::ordered_json entry = {{"id", check.id},
                                        {"claim", check.claim},
                                        {"paper_figure", check.paperFigure},
                                        {"rule", check.rule},
                                        {"verdict", verdictText(check.verdict)},
                                        {"figure", check.figure}};
        entry["items"] = nlohmann::ordered_json::array();
        for (const CheckItem& item : check.items)
            entry["items"].push_back({{"scope", item.scope},
                                      {"figure", item.figure},
                                      {"verdict", verdictText(item.verdict)},
                                      {"reason", item.reason}});
        json["checks"].push_back(std::move(entry));
    }
    return json.dump(1);
}

} // namespace codescope::claims
