#include "app/gui/analysis_file.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/results/layer_report.h"

namespace codescope::gui {

namespace {

// An analysis of a large model (hundreds of layers x 1000 eigenvalues) is a few MB; anything far beyond that is
// not one of ours and would only stall the app.
constexpr qint64 kMaxFileBytes = qint64(512) << 20;

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

capture::LayerSpectrum readLayer(const nlohmann::json& json, std::size_t index) {
    if (!json.is_object()) throw SchemaError{"layer " + std::to_string(index + 1) + " is not an object"};
    std::string where = "layer " + std::to_string(index + 1) + ": ";
    capture::LayerSpectrum entry;
    entry.layer.name = text(member(json, "name", where), where + "'name'");
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
    if (json.contains("warnings") && json["warnings"].is_array())
        for (const nlohmann::json& warning : json["warnings"])
            if (warning.is_string()) r.warnings.push_back(warning.get<std::string>());
    return entry;
}

} // namespace

QString AnalysisFileError::message() const {
    QString line = file;
    if (offset >= 0) line += QObject::tr(": byte %1").arg(offset);
    return line + ": " + reason;
}

AnalysisReadResult parseAnalysisJson(const std::string& text, const QString& path) {
    AnalysisReadResult result;
    result.error.file = path;
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        result.error.offset = static_cast<qint64>(error.byte);
        // nlohmann's what() repeats the position; its message after the last ": " is the reason.
        const std::string what = error.what();
        const std::size_t colon = what.rfind(": ");
        result.error.reason =
            QObject::tr("not valid JSON (%1)")
                .arg(QString::fromStdString(colon == std::string::npos ? what : what.substr(colon + 2)));
        return result;
    }
    try {
        if (!json.is_object() || !json.contains("layers"))
            throw SchemaError{"not a Codescope analysis (no 'layers'); expected the output of codescope-cli analyze "
                              "--json"};
        Analysis analysis;
        analysis.sourcePath = path;
        if (json.contains("model") && json["model"].is_string()) analysis.model = json["model"].get<std::string>();
        if (json.contains("dataset") && json["dataset"].is_string())
            analysis.dataset = json["dataset"].get<std::string>();
        if (json.contains("samples")) analysis.samples = integer(json["samples"], "'samples'");
        const nlohmann::json& layers = json["layers"];
        if (!layers.is_array()) throw SchemaError{"'layers' must be an array"};
        if (layers.empty()) throw SchemaError{"the analysis has no layers"};
        for (std::size_t i = 0; i < layers.size(); ++i)
            analysis.layers.push_back(readLayer(layers[i], i));
        std::stable_sort(analysis.layers.begin(), analysis.layers.end(),
                         [](const capture::LayerSpectrum& a, const capture::LayerSpectrum& b) {
                             return a.layer.depth < b.layer.depth;
                         });
        for (capture::LayerSpectrum& entry : analysis.layers)
            entry.spectrum.samples = analysis.samples;
        result.analysis = std::move(analysis);
    } catch (const SchemaError& error) {
        result.error.reason = QString::fromStdString(error.reason);
    } catch (const nlohmann::json::exception& error) {
        result.error.reason = QString::fromStdString(error.what());
    }
    return result;
}

AnalysisReadResult readAnalysisFile(const QString& path) {
    AnalysisReadResult result;
    result.error.file = path;
    const QFileInfo info(path);
    if (!info.exists()) {
        result.error.reason = QObject::tr("no such file");
        return result;
    }
    if (!info.isFile()) {
        result.error.reason = QObject::tr("not a file");
        return result;
    }
    if (info.size() > kMaxFileBytes) {
        result.error.reason = QObject::tr("%1 MB is too large for an analysis file").arg(info.size() >> 20);
        return result;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        result.error.reason = file.errorString();
        return result;
    }
    const QByteArray bytes = file.readAll();
    return parseAnalysisJson(std::string(bytes.constData(), static_cast<std::size_t>(bytes.size())), path);
}

QString writeAnalysisFile(const Analysis& analysis, const QString& path) {
    const std::string json =
        results::layerSpectraJson(analysis.model, analysis.dataset, analysis.samples, analysis.layers);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return QObject::tr("%1: cannot write (%2)").arg(path, file.errorString());
    file.write(json.data(), static_cast<qint64>(json.size()));
    if (!file.commit()) return QObject::tr("%1: writing failed (%2)").arg(path, file.errorString());
    return {};
}

} // namespace codescope::gui
