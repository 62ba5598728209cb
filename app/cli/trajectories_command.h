#pragma once
#include <string>
#include <vector>

namespace codescope::distributed {
class Communicator;
}

namespace codescope::cli {

/// `codescope-cli trajectories [...]`: token trajectories of random projections of a language model's layers
/// (paper Fig. 7c), printed and written as HTML, PDF and JSON. Returns the exit code (0 ok, 2 bad input or usage).
int runTrajectoriesCommand(const std::vector<std::string>& args, distributed::Communicator* world = nullptr);

} // namespace codescope::cli
