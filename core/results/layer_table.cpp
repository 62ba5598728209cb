#include "core/results/layer_table.h"

#include <cmath>
#include <cstdio>

#include "core/spectrum/alpha_estimators.h"

namespace codescope::results {

namespace {

std::string number(double value) {
    if (!std::isfinite(value)) return {};
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

std::string quoted(const std::string& field) {
    if (field.find_first_of(",\"\n") == std::string::npos) return field;
    std::string out = "\"";
    for (char c : field)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

} // namespace

std::string layerTableCsv(const std::vector<results::LayerSpectrum>& layers) {
    std::string csv =
        "depth,layer,shape,n_features,stride,alpha,alpha_ci_lo,alpha_ci_hi,alpha_r2,estimator,action_mean,"
        "action_sd,explained_variance_stimulus,explained_variance_latent,eq4_expected_action,"
        "eq3_capacity_bits,status\n";
    for (const results::LayerSpectrum& entry : layers) {
        const spectrum::SpectrumResult& r = entry.spectrum;
        std::string shape;
        for (std::size_t i = 0; i < entry.layer.shape.size(); ++i)
            shape += (i ? "x" : "") + std::to_string(entry.layer.shape[i]);
        std::vector<std::string> fields = {std::to_string(entry.layer.depth),
                                           quoted(entry.layer.name),
                                           shape,
                                           std::to_string(r.features),
                                           std::to_string(r.stride),
                                           number(r.alpha),
                                           number(r.alphaCiLo),
                                           number(r.alphaCiHi),
                                           number(r.alphaRSquared),
                                           spectrum::alphaEstimatorName(r.estimator)};
        const auto& c = entry.coding;
        fields.push_back(c ? number(c->actionMean) : "");
        fields.push_back(c ? number(c->actionSd) : "");
        fields.push_back(c ? number(c->stimulusR2Mean) : "");
        fields.push_back(c ? number(c->latentR2Mean) : "");
        fields.push_back(c && c->eq4ExpectedAction ? number(*c->eq4ExpectedAction) : "");
        fields.push_back(c ? number(c->eq3CapacityBits) : "");
        fields.push_back(quoted(r.fitted() ? std::string("ok") : r.status));
        for (std::size_t i = 0; i < fields.size(); ++i)
            csv += (i ? "," : "") + fields[i];
        csv += "\n";
    }
    return csv;
}

} // namespace codescope::results
