// The checks that stand between a model file and LibTorch: the zip directory and the pickle programs of a
// torch.save state_dict or a TorchScript archive (core/models/torch_archive_check.h).
#include "core/common/input_error.h"
#include "core/models/torch_archive_check.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        codescope::models::checkTorchArchive(codescope::fuzz::asFile(data, size));
    } catch (const codescope::InputError&) {
    }
    return 0;
}
