#pragma once
#include <string>
#include <vector>

namespace codescope::distributed {
class Communicator;
}

namespace codescope::cli {

/// `codescope-cli eigenfilters (--model FILE | --run DIR) --dataset SPEC --layer NAME [options]`: the input-space
/// pictures of a layer's leading principal components (Fig. 3d) as .npy, PNG gallery and JSON. Returns the exit code;
/// throws UsageError (exit 2).
int runEigenfiltersCommand(const std::vector<std::string>& args, distributed::Communicator* world = nullptr);

} // namespace codescope::cli
