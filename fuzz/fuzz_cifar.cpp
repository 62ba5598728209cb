// CIFAR-10 binary batches.
#include "core/common/input_error.h"
#include "core/data/cifar10_dataset.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const codescope::data::Cifar10Dataset dataset({codescope::fuzz::asFile(data, size)});
        dataset.read(0, std::min<std::int64_t>(dataset.size(), 2));
    } catch (const codescope::InputError&) {
    }
    return 0;
}
