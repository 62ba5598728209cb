#include "core/models/torch_errors.h"

#include <c10/util/Exception.h>

#include "core/io/input_file.h"

namespace codescope::models {

namespace {

bool contains(const std::string& text, const char* part) {
    return text.find(part) != std::string::npos;
}

} // namespace

std::string translateTorchText(const std::string& text) {
    const std::size_t end = text.find('\n');
    const std::string line = end == std::string::npos ? text : text.substr(0, end);
    if (contains(line, "INTERNAL ASSERT FAILED"))
        return "the file's contents break an assumption LibTorch makes of valid files (damaged or hand-made?)";
    if (contains(text, "Caffe2 uses a lazy allocation") || contains(text, "data is nullptr"))
        return "a tensor has no data: its storage is empty or missing";
    if (contains(text, "can't allocate memory") || contains(text, "DefaultCPUAllocator"))
        return "the sizes it declares do not fit in memory";
    if (contains(line, "PytorchStreamReader failed") || contains(line, "failed finding central directory"))
        return "not a readable PyTorch zip archive (damaged or cut short?)";
    return io::oneLine(line, 500);
}

std::string torchErrorText(const std::exception& error) {
    const auto* c10Error = dynamic_cast<const c10::Error*>(&error);
    return translateTorchText(c10Error ? c10Error->what_without_backtrace() : error.what());
}

} // namespace codescope::models
