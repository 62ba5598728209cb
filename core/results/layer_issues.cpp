#include "core/results/layer_issues.h"

#include <algorithm>
#include <utility>

namespace codescope::results {

namespace {

// The warnings the engine writes, by the words they start with (spectrum_analysis.cpp, layer_analysis.cpp,
// power_law_fit.cpp), and how a summary names them.
const std::pair<const char*, const char*> kKnownWarnings[] = {
    {"alpha's finite-sample bias", "alpha's finite-sample bias exceeds its standard error"},
    {"stride raised", "the stride was raised above the Methods' rule to fit the memory budget"},
    {"only ", "the fit range was shortened to the positive eigenvalues"},
    {"no coding record", "no coding record"},
};

constexpr std::size_t kNamesShown = 5;

} // namespace

std::string warningKind(const std::string& warning) {
    for (const auto& [prefix, kind] : kKnownWarnings)
        if (warning.rfind(prefix, 0) == 0) return kind;
    return warning.substr(0, warning.find(':'));
}

std::vector<std::string> summarizeLayerIssues(const std::vector<results::LayerSpectrum>& layers) {
    const std::string total = std::to_string(layers.size());
    std::vector<std::string> lines;

    std::vector<std::string> unfitted;
    for (const results::LayerSpectrum& entry : layers)
        if (!entry.spectrum.fitted())
            unfitted.push_back(entry.layer.name + " (" + spectrum::statusKind(entry.spectrum.status) + ")");
    if (!unfitted.empty()) {
        std::string line = "no alpha in " + std::to_string(unfitted.size()) + " of " + total + " layers: ";
        for (std::size_t i = 0; i < std::min(unfitted.size(), kNamesShown); ++i)
            line += (i ? ", " : "") + unfitted[i];
        if (unfitted.size() > kNamesShown) line += " and " + std::to_string(unfitted.size() - kNamesShown) + " more";
        lines.push_back(line + "; each reason is in the JSON's status");
    }

    // Kinds in order of first appearance, each with its layer count and first layer.
    struct Kind {
        std::string name;
        std::size_t layers = 0;
        std::string first;
    };
    std::vector<Kind> kinds;
    for (const results::LayerSpectrum& entry : layers) {
        std::vector<std::string> seen; // a layer counts once per kind
        for (const std::string& warning : entry.spectrum.warnings) {
            const std::string kind = warningKind(warning);
            if (std::find(seen.begin(), seen.end(), kind) != seen.end()) continue;
            seen.push_back(kind);
            auto found = std::find_if(kinds.begin(), kinds.end(), [&](const Kind& k) { return k.name == kind; });
            if (found == kinds.end()) found = kinds.insert(kinds.end(), Kind{kind, 0, entry.layer.name});
            ++found->layers;
        }
    }
    for (const Kind& kind : kinds)
        lines.push_back(kind.name + " in " + std::to_string(kind.layers) + " of " + total +
                        " layers (first: " + kind.first + "); each is in the JSON's warnings");
    return lines;
}

} // namespace codescope::results
