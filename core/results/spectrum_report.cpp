#include "core/results/spectrum_report.h"

#include "core/results/json_values.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

namespace codescope::results {

std::string spectrumJson(const spectrum::SpectrumResult& result) {
    nlohmann::json json;
    json["n_samples"] = result.samples;
    json["n_features"] = result.features;
    json["stride"] = result.stride;
    json["n_features_used"] = result.featuresUsed;
    json["n_components"] = result.components;
    json["eigenvalues"] = toVector(result.eigenvalues);
    json["explained_variance_ratio"] = toVector(result.explainedVarianceRatio);
    json["alpha"] = result.alpha;
    json["intercept"] = result.intercept;
    json["alpha_ci95"] = nlohmann::json::array({numberOrNull(result.alphaCiLo), numberOrNull(result.alphaCiHi)});
    json["fit_range"] = nlohmann::json::array({result.fitLo, result.fitHi});
    if (result.float32Products) json["products"] = "float32"; // absent: double, the paper's
    return json.dump(1) + "\n";
}

std::string spectrumCsv(const spectrum::SpectrumResult& result) {
    std::string out = "component,eigenvalue,explained_variance_ratio,power_law_fit\n";
    char line[160];
    for (Eigen::Index i = 0; i < result.eigenvalues.size(); ++i) {
        const double k = static_cast<double>(i + 1);
        std::snprintf(line, sizeof line, "%lld,%.17g,%.17g,%.17g\n", static_cast<long long>(i + 1),
                      result.eigenvalues[i], result.explainedVarianceRatio[i],
                      std::exp(result.intercept) * std::pow(k, result.alpha));
        out += line;
    }
    return out;
}

} // namespace codescope::results
