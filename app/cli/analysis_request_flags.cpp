#include "app/cli/analysis_request_flags.h"

#include <cstdint>
#include <sstream>

#include "app/cli/model_options.h"
#include "core/common/implementation_defaults.h"
#include "core/common/input_error.h"

namespace codescope::cli {

const std::vector<std::string> kAnalysisValueOptions = {
    "dataset",   "samples", "layers",      "batch",  "memory-budget", "fit-range", "max-components", "max-features",
    "bootstrap", "seed",    "projections", "frames", "bits",          "estimator", "spectrum"};

std::vector<std::string> layersOption(const CommandLine& cl) {
    const std::string text = cl.text("layers", "auto");
    std::vector<std::string> names;
    if (text.empty() || text == "auto") return names;
    std::stringstream stream(text);
    std::string name;
    while (std::getline(stream, name, ','))
        if (!name.empty()) names.push_back(name);
    return names;
}

pipeline::AnalysisRequest analysisRequestFromFlags(const CommandLine& cl, bool withModel) {
    pipeline::AnalysisRequest r;
    if (withModel) r.model = modelSpec(cl);
    if (hasTokenData(cl)) {
        r.data.kind = pipeline::DataKind::Tokens;
        r.data.images.clear();
        r.data.tokens = tokenDataSpec(cl);
    } else {
        r.data.images = cl.text("dataset", r.data.images);
    }
    r.layers = layersOption(cl);
    r.normalization = normalizationOption(cl);
    r.samples = cl.integer("samples", r.samples, 0, INT64_MAX);
    r.batchSize = cl.integer("batch", 0, 0, 100000);
    r.memoryBudgetBytes = cl.integer("memory-budget", r.memoryBudgetBytes >> 20, pipeline::kMinMemoryBudgetMib,
                                     pipeline::kMaxMemoryBudgetMib)
                          << 20;
    spectrum::SpectrumOptions& s = r.spectrum;
    std::tie(s.fitLo, s.fitHi) = cl.range("fit-range", {s.fitLo, s.fitHi});
    s.maxComponents = cl.integer("max-components", s.maxComponents, 1, 1000000);
    s.maxFeatures = cl.integer("max-features", s.maxFeatures, 2, 1000000);
    s.bootstrapResamples = static_cast<int>(cl.integer("bootstrap", s.bootstrapResamples, 0, 100000));
    s.seed = static_cast<std::uint64_t>(cl.integer("seed", 0, 0, INT64_MAX));
    try {
        s.estimator = spectrum::parseAlphaEstimator(cl.text("estimator", spectrum::alphaEstimatorName(s.estimator)));
    } catch (const InputError&) {
        throw UsageError("--estimator must be huber, wls or mle, got '" + cl.text("estimator") + "'");
    }
    const std::string kind = cl.text("spectrum", "pca");
    if (kind != "pca" && kind != "cvpca") throw UsageError("--spectrum must be pca or cvpca, got '" + kind + "'");
    r.heldOutSpectrum = kind == "cvpca";
    r.coding.projections = static_cast<int>(cl.integer("projections", r.coding.projections, 0, 1000000));
    r.coding.frames = static_cast<int>(cl.integer("frames", r.coding.frames, 5, 100000));
    r.coding.bitsPerUnit = static_cast<double>(cl.integer("bits", 32, 1, 1024));
    r.coding.seed = s.seed;
    r.robustness = cl.has("robustness");
    s.singlePrecisionProducts = cl.has("float32-products");
    return r;
}

namespace {
std::string formatNumber(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
}
} // namespace

std::string withPaperDefaults(std::string help) {
    const pipeline::AnalysisRequest defaults;
    const std::pair<const char*, std::string> fields[] = {
        {"{samples}", std::to_string(defaults.samples)},
        {"{bootstrap}", std::to_string(defaults.spectrum.bootstrapResamples)},
        {"{projections}", std::to_string(defaults.coding.projections)},
        {"{fit_range}", std::to_string(defaults.spectrum.fitLo) + ":" + std::to_string(defaults.spectrum.fitHi)},
        {"{max_components}", std::to_string(defaults.spectrum.maxComponents)},
        {"{max_features}", std::to_string(defaults.spectrum.maxFeatures)},
        {"{frames}", std::to_string(defaults.coding.frames)},
        {"{dot_radius}", formatNumber(implementation::kMovingDotRadius)},
        {"{dot_size}", std::to_string(implementation::kMovingDotSize)},
        {"{explained_variance}", implementation::kExplainedVarianceDefinition}};
    for (const auto& [field, value] : fields)
        for (std::size_t at = help.find(field); at != std::string::npos; at = help.find(field, at + value.size()))
            help.replace(at, std::string(field).size(), value);
    return help;
}

} // namespace codescope::cli
