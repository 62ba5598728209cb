// One PNG or JPEG file in an image folder: stb_image behind the header checks.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/common/input_error.h"
#include "core/data/image_folder_dataset.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string folder = [] {
        char templ[] = "/tmp/codescope-fuzz-image-XXXXXX";
        if (!::mkdtemp(templ)) std::abort();
        return std::string(templ);
    }();
    // The same bytes as a .png and as a .jpg would be two folders; stb_image decides by content, not by name.
    const std::string path = folder + "/image.png";
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) std::abort();
    std::fwrite(data, 1, size, file);
    std::fclose(file);
    try {
        const codescope::data::ImageFolderDataset dataset(folder);
        dataset.read(0, 1);
    } catch (const codescope::InputError&) {
    }
    return 0;
}
