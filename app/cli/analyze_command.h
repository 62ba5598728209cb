#pragma once
#include <string>
#include <vector>

namespace codescope::distributed {
class Communicator;
}

namespace codescope::cli {

/// `codescope-cli layers --model FILE [...]`: the discoverable layers of a model with their output shapes.
int runLayersCommand(const std::vector<std::string>& args);

/// `codescope-cli analyze --model FILE --dataset SPEC [...]`: every chosen layer's spectrum and alpha. With `world`
/// of several ranks (mpirun, srun) one model's samples are sharded over them and rank 0 alone prints and writes.
int runAnalyzeCommand(const std::vector<std::string>& args, distributed::Communicator* world = nullptr);

} // namespace codescope::cli
