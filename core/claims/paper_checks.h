#pragma once
// The paper's claims checked on the user's own sweep (or one analysis): for each claim, the figure it makes in the
// paper, the test that decides it here (stated in words, with its threshold), the numbers in this sweep, and a
// verdict: holds, does not hold, or cannot tell (with the reason: too few runs or layers, missing values). Plain
// values: the CLI prints and writes them, the app shows them in a tab and a report page.
#include <optional>
#include <string>
#include <vector>

#include "core/results/layer_spectrum.h"

namespace codescope::claims {

enum class Verdict { Holds, DoesNotHold, CannotTell };

/// "holds", "does not hold", "cannot tell".
const char* verdictText(Verdict verdict);

/// Trends are tested one-sided in the direction the paper states, at this level.
inline constexpr double kSignificance = 0.05;
/// "Near -1": |alpha + 1| below this (see paper_checks.cpp for why).
inline constexpr double kNearMinusOneTolerance = 0.25;
/// The dropout rate of "near -1 at dropout 0.2" (paper: "already for a dropout rate of 20%").
inline constexpr double kNearMinusOneDropout = 0.2;

/// One run as the checks read it.
struct CheckedRun {
    std::string name;              ///< as the table names it, e.g. "dropout-0.2"
    std::optional<double> dropout; ///< the run's dropout rate in [0, 1]; nullopt when unknown (a lone model)
    /// The run's layers in depth order (not owned: must outlive the check). Layers are matched across runs by name.
    const std::vector<results::LayerSpectrum>* layers = nullptr;
};

/// One run, layer or comparison a claim was tested on.
struct CheckItem {
    std::string scope;  ///< "run dropout-0.2", "layer layer3.0.relu", ...
    std::string figure; ///< the numbers, e.g. "rho = -0.83, one-sided p = 0.003 (exact), n = 9 layers"
    Verdict verdict = Verdict::CannotTell;
    std::string reason; ///< why it does not hold or cannot tell, one phrase; empty when it holds
};

struct PaperCheck {
    std::string id;          ///< stable key, e.g. "alpha-falls-with-depth"
    std::string claim;       ///< the paper's claim in a few words
    std::string paperFigure; ///< where the paper makes it, e.g. "Fig. 6b"
    std::string rule;        ///< the test and its threshold, in words
    /// Over the items that can tell: holds when more hold than not, does not hold when more fail, cannot tell on a
    /// tie or when none can tell.
    Verdict verdict = Verdict::CannotTell;
    std::string figure; ///< the summary, e.g. "holds in 4 of 5 runs; does not hold in 1"
    std::vector<CheckItem> items;
};

/// Every claim on a sweep's runs (any order; at least one): alpha near -1 early at dropout 0.2 (Fig. 3c, 6b), alpha
/// falls with depth (Fig. 3c, 6b) and with the dropout rate per layer (Fig. 6b), the action is larger for alpha >=
/// -1 (eq. 4, Fig. 4c) and smaller for steeper spectra (Fig. 4d, 6c), the explained stimulus variance grows with
/// depth and with dropout (Fig. 6d) and is higher where the action is lower (Fig. 6e), and the later layers'
/// spectra are step-like at the highest dropout (Fig. 5). Runs without layers are left out. Never throws on data:
/// what cannot be tested is a "cannot tell" with its reason.
std::vector<PaperCheck> checkSweep(const std::vector<CheckedRun>& runs);

/// The claims that one analysis can test on its own (those per run: no dropout trend, no Fig. 5 comparison); the
/// dropout-0.2 claim needs run.dropout.
std::vector<PaperCheck> checkAnalysis(const CheckedRun& run);

/// The checks as a plain-text table for a terminal: per claim one line "verdict  claim (figure): summary", then its
/// rule and one indented line per item.
std::string paperChecksText(const std::vector<PaperCheck>& checks);

/// How a claim's verdict follows from its items, in words (the table's header, the JSON's "verdict_rule").
std::string verdictRuleText();

/// The checks as JSON text: {"verdict_rule", "significance", "checks": [{id, claim, paper_figure, rule, verdict,
/// figure, items: [{scope, figure, verdict, reason}]}]}, verdict one of verdictText's.
std::string paperChecksJson(const std::vector<PaperCheck>& checks);

} // namespace codescope::claims
