#include "core/results/layer_report.h"

#include <cmath>

#include "core/results/json_values.h"
#include "core/common/input_error.h"
#include "core/common/program_version.h"
#include "core/spectrum/alpha_estimators.h"

namespace codescope::results {

namespace {

nlohmann::json codingJson(const results::LayerCoding& c) {
    nlohmann::json json;
    json["units"] = c.units;
    json["frames"] = c.frames;
    json["projections"] = c.projections;
    json["action_mean"] = c.actionMean;
    json["action_sd"] = c.actionSd;
    json["action_expected"] = c.actionExpected;
    json["average_activation"] = c.averageActivation;
    json["explained_variance_stimulus"] = {{"mean", c.stimulusR2Mean}, {"sd", c.stimulusR2Sd}};
    json["explained_variance_latent"] = {{"mean", numberOrNull(c.latentR2Mean)}, {"sd", numberOrNull(c.latentR2Sd)}};
    // JSON has no infinity: a divergent series is null with the reason beside it.
    json["eq4_expected_action"] = c.eq4ExpectedAction ? nlohmann::json(*c.eq4ExpectedAction) : nlohmann::json();
    if (!c.eq4ExpectedAction)
        json["eq4_note"] = std::isfinite(c.eq4FiniteWidthAction) ? "divergent: alpha >= -1" : "no alpha (see status)";
    json["eq4_finite_width_action"] = numberOrNull(c.eq4FiniteWidthAction);
    json["capacity_bits"] = c.denseCapacityBits;
    json["eq3_capacity_bits"] = numberOrNull(c.eq3CapacityBits);
    // The kept curves z(t), [curve][frame][x, y, z], with float precision: they are for drawing.
    nlohmann::json curves = nlohmann::json::array();
    for (Eigen::Index k = 0; k + 3 <= c.curves.cols(); k += 3) {
        nlohmann::json curve = nlohmann::json::array();
        for (Eigen::Index t = 0; t < c.curves.rows(); ++t)
            curve.push_back({static_cast<float>(c.curves(t, k)), static_cast<float>(c.curves(t, k + 1)),
                             static_cast<float>(c.curves(t, k + 2))});
        curves.push_back(std::move(curve));
    }
    json["curves"] = std::move(curves);
    return json;
}

// Every estimator on the layer's eigenvalues, and the Huber fit over a grid of ranges: how much alpha depends on
// choices the paper fixed.
void addRobustness(nlohmann::json& layer, const spectrum::SpectrumResult& r) {
    nlohmann::json estimators = nlohmann::json::object();
    for (spectrum::AlphaEstimator estimator : spectrum::allAlphaEstimators()) {
        nlohmann::json entry;
        try {
            const spectrum::AlphaFit fit = spectrum::fitAlpha(r.eigenvalues, r.fitLo, r.fitHi, estimator);
            entry = {{"alpha", fit.alpha}, {"r2", numberOrNull(fit.rSquared)}, {"fit_range", {fit.fitLo, fit.fitHi}}};
        } catch (const InputError& error) {
            entry = {{"alpha", nullptr}, {"error", error.what()}};
        }
        estimators[spectrum::alphaEstimatorName(estimator)] = entry;
    }
    layer["alpha_estimators"] = estimators;
    nlohmann::json table = nlohmann::json::array();
    if (r.eigenvalues.size() >= 3) {
        const spectrum::AlphaRangeTable grid = spectrum::alphaRangeSensitivity(r.eigenvalues);
        for (const spectrum::AlphaRangeCell& cell : grid.cells)
            table.push_back({{"lo", cell.lo},
                             {"hi", cell.hi},
                             {"alpha", cell.fitted ? nlohmann::json(cell.fit.alpha) : nlohmann::json()}});
    }
    layer["fit_range_table"] = table;
}

} // namespace

std::string layerSpectraJson(const std::string& model, const std::string& dataset, std::int64_t samples,
                             const std::vector<results::LayerSpectrum>& layers, const ReportOptions& options) {
    nlohmann::json json;
    json["model"] = model;
    json["dataset"] = dataset;
    json["samples"] = samples;
    json["program"] = "codescope";
    json["program_version"] = programVersion();
    if (!options.requestJson.empty()) json["request"] = nlohmann::json::parse(options.requestJson);
    if (!options.provenanceJson.empty()) json["provenance"] = nlohmann::json::parse(options.provenanceJson);
    if (!options.paperChecksJson.empty()) json["paper_checks"] = nlohmann::json::parse(options.paperChecksJson);
    if (options.timings) {
        const AnalysisTimings& t = *options.timings;
        json["timings"] = {{"model_load", t.modelLoad}, {"data_passes", t.dataPasses},
                           {"forward", t.forward},      {"spectra", t.spectra},
                           {"bootstrap", t.bootstrap},  {"coding_record", t.codingRecord},
                           {"total", t.total}};
    }
    json["layers"] = nlohmann::json::array();
    for (const results::LayerSpectrum& entry : layers) {
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
        // A layer without an exponent is a result: alpha null, and the status says why with its numbers.
        layer["status"] = r.fitted() ? std::string("ok") : r.status;
        layer["alpha"] = numberOrNull(r.alpha);
        layer["intercept"] = numberOrNull(r.intercept);
        layer["alpha_ci95"] = nlohmann::json::array({numberOrNull(r.alphaCiLo), numberOrNull(r.alphaCiHi)});
        layer["fit_range"] = nlohmann::json::array({r.fitLo, r.fitHi});
        layer["eigenvalues"] = toVector(r.eigenvalues);
        layer["estimator"] = spectrum::alphaEstimatorName(r.estimator);
        layer["spectrum"] = r.heldOut ? "cvpca" : "pca";
        layer["alpha_r2"] = numberOrNull(r.alphaRSquared);
        if (options.robustness) addRobustness(layer, r);
        layer["alpha_bootstrap_bias"] = numberOrNull(r.alphaBootstrapBias);
        layer["alpha_standard_error"] = numberOrNull(r.alphaStandardError);
        // What the bootstrap resampled: samples (images), or whole token sequences of this many rows (tokens).
        layer["bootstrap_unit"] = r.bootstrapRowsPerUnit > 1 ? "sequence" : "sample";
        layer["bootstrap_unit_rows"] = r.bootstrapRowsPerUnit;
        layer["warnings"] = r.warnings;
        // Where the time went (wall seconds of this layer's phases; the forward passes and the coding record are
        // shared by all layers: the top-level "timings" has them), and which eigenproblem was solved: for benchmarks
        // and the curious. An object whose key sorts after "status": shell checks read a layer's fields up to its first
        // '}'.
        layer["side"] = r.gramSide ? "gram" : "covariance";
        if (r.float32Products) layer["products"] = "float32"; // absent: double, the paper's
        layer["timings"] = {{"covariance_or_gram", r.covarianceSeconds},
                            {"eigensolver", r.eigenSeconds},
                            {"fit", r.fitSeconds},
                            {"bootstrap", r.bootstrapSeconds}};
        if (entry.coding) layer["coding"] = codingJson(*entry.coding);
        json["layers"].push_back(std::move(layer));
    }
    return json.dump(1) + "\n";
}

} // namespace codescope::results
