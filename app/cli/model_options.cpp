#include "app/cli/model_options.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace codescope::cli {

const std::vector<std::string> kModelValueOptions = {"model", "run", "input-shape", "normalize"};
const std::vector<std::string> kTokenValueOptions = {"text", "tokenizer", "context"};

namespace {

std::vector<std::int64_t> parseShape(const std::string& text) {
    std::vector<std::int64_t> shape;
    std::stringstream stream(text);
    std::string part;
    while (std::getline(stream, part, ',')) {
        char* end = nullptr;
        const long long value = std::strtoll(part.c_str(), &end, 10);
        if (part.empty() || *end != '\0' || value < 1 || value > 100000)
            throw UsageError("--input-shape must be C,H,W with positive integers, got '" + text + "'");
        shape.push_back(value);
    }
    if (shape.size() != 3) throw UsageError("--input-shape must be C,H,W, got '" + text + "'");
    return shape;
}

} // namespace

models::ModelSpec modelSpec(const CommandLine& cl) {
    if (cl.has("model") == cl.has("run")) throw UsageError("give exactly one of --model FILE or --run DIR");
    models::ModelSpec spec;
    spec.path = cl.has("model") ? cl.text("model") : cl.text("run");
    spec.isRun = cl.has("run");
    if (cl.has("input-shape")) spec.inputShape = parseShape(cl.text("input-shape"));
    spec.takesTokens = hasTokenData(cl);
    spec.contextLength = cl.integer("context", 0, 0, 1 << 20);
    return spec;
}

bool hasTokenData(const CommandLine& cl) {
    return cl.has("text") || cl.has("tokenizer") || cl.has("context") ||
           language::isTokenDatasetSpec(cl.text("dataset"));
}

language::TokenDataSpec tokenDataSpec(const CommandLine& cl) {
    language::TokenDataSpec spec;
    if (cl.has("text") && cl.has("dataset"))
        throw UsageError("give --text FILE or --dataset tokens:FILE.npy, not both");
    spec.dataset = cl.has("text") ? "" : cl.text("dataset");
    spec.textFile = cl.text("text");
    spec.tokenizerDir = cl.text("tokenizer");
    spec.contextLength = cl.integer("context", 0, 0, 1 << 20);
    return spec;
}

data::Normalization normalizationOption(const CommandLine& cl) {
    const std::string normalize = cl.text("normalize", "none");
    if (normalize == "none") return data::Normalization::None;
    if (normalize == "imagenet") return data::Normalization::ImageNet;
    throw UsageError("--normalize must be none or imagenet, got '" + normalize + "'");
}

void printInputNote(const std::string& note) {
    if (!note.empty()) std::fprintf(stderr, "note: %s\n", note.c_str());
}

} // namespace codescope::cli
