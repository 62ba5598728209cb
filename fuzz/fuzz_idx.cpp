// IDX images (raw or gzip): header, lying dimensions, lazy inflation.
#include "core/common/input_error.h"
#include "core/data/idx_dataset.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const codescope::data::IdxDataset dataset(codescope::fuzz::asFile(data, size));
        dataset.read(0, std::min<std::int64_t>(dataset.size(), 3));
    } catch (const codescope::InputError&) {
    }
    return 0;
}
