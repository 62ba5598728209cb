// JSON inputs: the limits of every JSON reader, the analysis reader's schema, and the typed fields of a manifest.
#include <string>

#include "core/common/input_error.h"
#include "core/io/json_input.h"
#include "core/results/layer_report_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        codescope::results::parseLayerReport(text, "analysis.json");
    } catch (const codescope::InputError&) {
    }
    try {
        const nlohmann::json json = codescope::io::parseJsonText(text, "manifest.json");
        codescope::io::jsonInteger(json, "hidden", "manifest.json", 1, 16384);
        codescope::io::jsonNumber(json, "dropout", "manifest.json", 0.0, 1.0);
        codescope::io::jsonBool(json, "finished", "manifest.json");
    } catch (const codescope::InputError&) {
    }
    return 0;
}
