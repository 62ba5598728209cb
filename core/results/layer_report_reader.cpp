#include "core/results/layer_report_reader.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <tuple>

#include "core/io/input_file.h"
#include "core/io/json_input.h"

namespace codescope::results {

namespace {

// Layer names are module paths ("encoder.layers.11.mlp.fc1"); the report lays each one out in its charts, so a
// name of megabytes would take minutes and gigabytes to draw.
constexpr std::size_t kMaxLayerNameBytes = 1024;
// An analysis of many layers with bootstrap intervals and coding records stays far below this.
constexpr std::int64_t kMaxReportBytes = std::int64_t{512} << 20;

/// A schema problem in layer `index` (or in the top level when index < 0).
struct SchemaError {
    std::string reason;
};

const nlohmann::json& member(const nlohmann::json& object, const char* key, const std::string& where) {
    const auto it = object.find(key);
    if (it == object.end()) throw SchemaError{where + "'" + key + "' is missing"};
    return *it;
}

/// A number, or NaN for null (the CLI writes NaN as null).
double numberOrNaN(const nlohmann::json& value, const std::string& what) {
    if (value.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!value.is_number()) throw SchemaError{what + " must be a number or null"};
    return value.get<double>();
}

std::int64_t integer(const nlohmann::json& value, const std::string& what) {
    if (!value.is_number_integer()) throw SchemaError{what + " must be an integer"};
    return value.get<std::int64_t>();
}

std::string text(const nlohmann::json& value, const std::string& what) {
    if (!value.is_string()) throw SchemaError{what + " must be a string"};
    return value.get<std::string>();
}

/// The {mean, sd} pair of a coding record.
std::pair<double, double> meanAndSd(const nlohmann::json& json, const char* key, const std::string& where) {
    const nlohmann::json& pair = member(json, key, where);
    if (!pair.is_object()) throw SchemaError{where + "'" + key + "' must be {mean, sd}"};
    return {numberOrNaN(member(pair, "mean", where), where + key), numberOrNaN(member(pair, "sd", where), where + key)};
}

results::LayerCoding readCoding(const nlohmann::json& json, const std::string& where) {
    if (!json.is_object()) throw SchemaError{where + "must be an object"};
    results::LayerCoding c;
    c.units = integer(member(json, "units", where), where + "'units'");
    c.frames = static_cast<int>(integer(member(json, "frames", where), where + "'frames'"));
    c.projections = static_cast<int>(integer(member(json, "projections", where), where + "'projections'"));
    c.actionMean = numberOrNaN(member(json, "action_mean", where), where + "'action_mean'");
    c.actionSd = numberOrNaN(member(json, "action_sd", where), where + "'action_sd'");
    c.actionExpected = numberOrNaN(member(json, "action_expected", where), where + "'action_expected'");
    c.averageActivation = numberOrNaN(member(json, "average_activation", where), where + "'average_activation'");
    std::tie(c.stimulusR2Mean, c.stimulusR2Sd) = meanAndSd(json, "explained_variance_stimulus", where);
    std::tie(c.latentR2Mean, c.latentR2Sd) = meanAndSd(json, "explained_variance_latent", where);
    const double eq4 = numberOrNaN(member(json, "eq4_expected_action", where), where + "'eq4_expected_action'");
    if (std::isfinite(eq4)) c.eq4ExpectedAction = eq4;
    c.eq4FiniteWidthAction =
        numberOrNaN(member(json, "eq4_finite_width_action", where), where + "'eq4_finite_width_action'");
    c.denseCapacityBits = numberOrNaN(member(json, "capacity_bits", where), where + "'capacity_bits'");
    c.eq3CapacityBits = numberOrNaN(member(json, "eq3_capacity_bits", where), where + "'eq3_capacity_bits'");
    if (json.contains("curves")) {
        const nlohmann::json& curves = json["curves"];
        if (!curves.is_array()) throw SchemaError{where + "'curves' must be an array of curves"};
        for (std::size_t k = 0; k < curves.size(); ++k) {
            const nlohmann::json& curve = curves[k];
            if (!curve.is_array() || (k > 0 && static_cast<Eigen::Index>(curve.size()) != c.curves.rows()))
                throw SchemaError{where + "every curve in 'curves' must have one [x, y, z] per frame"};
            if (k == 0)
                c.curves.resize(static_cast<Eigen::Index>(curve.size()), static_cast<Eigen::Index>(3 * curves.size()));
            for (std::size_t t = 0; t < curve.size(); ++t) {
                if (!curve[t].is_array() || curve[t].size() != 3)
                    throw SchemaError{where + "every point in 'curves' must be [x, y, z]"};
                for (int d = 0; d < 3; ++d)
                    c.curves(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(3 * k + d)) =
                        numberOrNaN(curve[t][d], where + "'curves'");
            }
        }
    }
    return c;
}

results::LayerSpectrum readLayer(const nlohmann::json& json, std::size_t index) {
    if (!json.is_object()) throw SchemaError{"layer " + std::to_string(index + 1) + " is not an object"};
    std::string where = "layer " + std::to_string(index + 1) + ": ";
    results::LayerSpectrum entry;
    entry.layer.name = text(member(json, "name", where), where + "'name'");
    if (entry.layer.name.size() > kMaxLayerNameBytes)
        throw SchemaError{where + "'name' is " + std::to_string(entry.layer.name.size()) +
                          " characters long, over the " + std::to_string(kMaxLayerNameBytes) +
                          " a layer name may have"};
    where = "layer " + std::to_string(index + 1) + " ('" + entry.layer.name + "'): ";
    entry.layer.depth = static_cast<int>(integer(member(json, "depth", where), where + "'depth'"));
    if (json.contains("kind")) entry.layer.kind = text(json["kind"], where + "'kind'");
    if (json.contains("shape")) {
        if (!json["shape"].is_array()) throw SchemaError{where + "'shape' must be an array"};
        for (const nlohmann::json& size : json["shape"])
            entry.layer.shape.push_back(integer(size, where + "'shape'"));
    }

    spectrum::SpectrumResult& r = entry.spectrum;
    const nlohmann::json& eigenvalues = member(json, "eigenvalues", where);
    if (!eigenvalues.is_array()) throw SchemaError{where + "'eigenvalues' must be an array"};
    r.eigenvalues.resize(static_cast<Eigen::Index>(eigenvalues.size()));
    for (std::size_t k = 0; k < eigenvalues.size(); ++k)
        r.eigenvalues[static_cast<Eigen::Index>(k)] = numberOrNaN(eigenvalues[k], where + "each eigenvalue");
    r.components = r.eigenvalues.size();
    r.alpha = numberOrNaN(member(json, "alpha", where), where + "'alpha'");
    r.intercept = json.contains("intercept") ? numberOrNaN(json["intercept"], where + "'intercept'")
                                             : std::numeric_limits<double>::quiet_NaN();
    r.alphaCiLo = r.alphaCiHi = std::numeric_limits<double>::quiet_NaN();
    if (json.contains("alpha_ci95")) {
        const nlohmann::json& ci = json["alpha_ci95"];
        if (!ci.is_array() || ci.size() != 2) throw SchemaError{where + "'alpha_ci95' must be [lo, hi]"};
        r.alphaCiLo = numberOrNaN(ci[0], where + "'alpha_ci95'");
        r.alphaCiHi = numberOrNaN(ci[1], where + "'alpha_ci95'");
    }
    if (json.contains("fit_range")) {
        const nlohmann::json& range = json["fit_range"];
        if (!range.is_array() || range.size() != 2) throw SchemaError{where + "'fit_range' must be [lo, hi]"};
        r.fitLo = static_cast<int>(integer(range[0], where + "'fit_range'"));
        r.fitHi = static_cast<int>(integer(range[1], where + "'fit_range'"));
    }
    if (json.contains("n_features")) r.features = integer(json["n_features"], where + "'n_features'");
    if (json.contains("stride")) r.stride = integer(json["stride"], where + "'stride'");
    if (json.contains("n_features_used"))
        r.featuresUsed = integer(json["n_features_used"], where + "'n_features_used'");
    r.alphaBootstrapBias = json.contains("alpha_bootstrap_bias")
                               ? numberOrNaN(json["alpha_bootstrap_bias"], where + "'alpha_bootstrap_bias'")
                               : std::numeric_limits<double>::quiet_NaN();
    r.alphaStandardError = json.contains("alpha_standard_error")
                               ? numberOrNaN(json["alpha_standard_error"], where + "'alpha_standard_error'")
                               : std::numeric_limits<double>::quiet_NaN();
    if (json.contains("bootstrap_unit_rows"))
        r.bootstrapRowsPerUnit = integer(json["bootstrap_unit_rows"], where + "'bootstrap_unit_rows'");
    if (json.contains("estimator")) {
        try {
            r.estimator = spectrum::parseAlphaEstimator(text(json["estimator"], where + "'estimator'"));
        } catch (const InputError& error) {
            throw SchemaError{where + error.what()};
        }
    }
    if (json.contains("spectrum")) r.heldOut = text(json["spectrum"], where + "'spectrum'") == "cvpca";
    r.alphaRSquared = json.contains("alpha_r2") ? numberOrNaN(json["alpha_r2"], where + "'alpha_r2'")
                                                : std::numeric_limits<double>::quiet_NaN();
    if (json.contains("coding")) entry.coding = readCoding(json["coding"], where + "'coding': ");
    // Files from before statuses existed have none: a finite alpha was fitted, a missing one says so.
    const std::string status = json.contains("status") ? text(json["status"], where + "'status'") : "ok";
    if (status != "ok")
        r.status = status;
    else if (!std::isfinite(r.alpha))
        r.status = "unfitted: the file holds no alpha for this layer";
    if (json.contains("warnings") && json["warnings"].is_array())
        for (const nlohmann::json& warning : json["warnings"])
            if (warning.is_string()) r.warnings.push_back(warning.get<std::string>());
    return entry;
}

} // namespace

LayerReportError::LayerReportError(std::string source, std::int64_t byteOffset, std::string reason)
    : InputError(io::oneLine(source) + (byteOffset >= 0 ? ": byte " + std::to_string(byteOffset) : std::string()) +
                 ": " + reason),
      m_source(std::move(source)), m_offset(byteOffset), m_reason(std::move(reason)) {}

LayerReport parseLayerReport(const std::string& text, const std::string& sourceName) {
    nlohmann::json json;
    try {
        io::JsonLimits limits;
        limits.maxFileBytes = kMaxReportBytes;
        json = io::parseJsonText(text, sourceName, limits);
    } catch (const io::JsonInputError& error) {
        throw LayerReportError(error.source(), error.byteOffset(), error.reason());
    }
    try {
        if (!json.is_object() || !json.contains("layers"))
            throw SchemaError{"not a Codescope analysis (no 'layers'); expected the output of codescope-cli analyze "
                              "--json"};
        LayerReport report;
        if (json.contains("model") && json["model"].is_string()) report.model = json["model"].get<std::string>();
        if (json.contains("dataset") && json["dataset"].is_string())
            report.dataset = json["dataset"].get<std::string>();
        if (json.contains("samples")) report.samples = integer(json["samples"], "'samples'");
        if (json.contains("request") && json["request"].is_object()) report.requestJson = json["request"].dump();
        if (json.contains("provenance") && json["provenance"].is_object())
            report.provenanceJson = json["provenance"].dump();
        if (json.contains("program_version") && json["program_version"].is_string())
            report.programVersion = json["program_version"].get<std::string>();
        const nlohmann::json& layers = json["layers"];
        if (!layers.is_array()) throw SchemaError{"'layers' must be an array"};
        if (layers.empty()) throw SchemaError{"the analysis has no layers"};
        for (std::size_t i = 0; i < layers.size(); ++i)
            report.layers.push_back(readLayer(layers[i], i));
        std::stable_sort(report.layers.begin(), report.layers.end(),
                         [](const results::LayerSpectrum& a, const results::LayerSpectrum& b) {
                             return a.layer.depth < b.layer.depth;
                         });
        for (results::LayerSpectrum& entry : report.layers)
            entry.spectrum.samples = report.samples;
        return report;
    } catch (const SchemaError& error) {
        throw LayerReportError(sourceName, -1, error.reason);
    } catch (const nlohmann::json::exception& error) {
        throw LayerReportError(sourceName, -1, error.what());
    }
}

LayerReport readLayerReport(const std::string& path) {
    std::string text;
    try {
        text = io::readInputFile(path, kMaxReportBytes, "an analysis file");
    } catch (const InputError& error) {
        // InputError's text starts with the path; LayerReportError adds it again.
        const std::string what = error.what();
        const std::string prefix = io::oneLine(path) + ": ";
        throw LayerReportError(path, -1, what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what);
    }
    return parseLayerReport(text, path);
}

} // namespace codescope::results
