#include "core/results/layer_report.h"

#include "core/results/json_values.h"

namespace codescope::results {

std::string layerSpectraJson(const std::string& model, const std::string& dataset, std::int64_t samples,
                             const std::vector<capture::LayerSpectrum>& layers) {
    nlohmann::json json;
    json["model"] = model;
    json["dataset"] = dataset;
    json["samples"] = samples;
    json["layers"] = nlohmann::json::array();
    for (const capture::LayerSpectrum& entry : layers) {
        const spectrum::SpectrumResult& r = entry.spectrum;
        nlohmann::json layer;
        layer["name"] = entry.layer.name;
        layer["depth"] = entry.layer.depth;
        layer["kind"] = entry.layer.kind;
        layer["shape"] = entry.layer.shape;
        layer["n_features"] = r.features;
        layer["stride"] = r.stride;
        layer["n_features_used"] = r.featuresUsed;
        layer["n_components"] = r.components;
        layer["alpha"] = r.alpha;
        layer["intercept"] = r.intercept;
        layer["alpha_ci95"] = nlohmann::json::array({numberOrNull(r.alphaCiLo), numberOrNull(r.alphaCiHi)});
        layer["fit_range"] = nlohmann::json::array({r.fitLo, r.fitHi});
        layer["eigenvalues"] = toVector(r.eigenvalues);
        layer["warnings"] = r.warnings;
        json["layers"].push_back(std::move(layer));
    }
    return json.dump(1) + "\n";
}

} // namespace codescope::results
