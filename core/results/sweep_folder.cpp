#include "core/results/sweep_folder.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/input_error.h"
#include "core/io/json_input.h"

namespace codescope::results {

namespace fs = std::filesystem;

namespace {

// sweep.json and each run's manifest.json: a few kilobytes each.
nlohmann::json readJsonFile(const std::string& path) {
    io::JsonLimits limits;
    limits.maxFileBytes = std::int64_t{16} << 20;
    return io::readJsonFile(path, limits);
}

} // namespace

bool isSweepFolder(const std::string& folder) {
    std::error_code error;
    return fs::is_regular_file(fs::path(folder) / "sweep.json", error);
}

std::vector<SweepRun> readSweepFolder(const std::string& folder) {
    const std::string path = (fs::path(folder) / "sweep.json").string();
    const nlohmann::json sweep = readJsonFile(path);
    if (!sweep.is_object() || !sweep.contains("runs") || !sweep["runs"].is_array())
        throw InputError(path + ": not a Codescope sweep (no \"runs\" list)");
    std::vector<SweepRun> runs;
    for (const nlohmann::json& entry : sweep["runs"]) {
        if (!entry.is_object() || !entry.contains("dropout") || !entry["dropout"].is_number() ||
            !entry.contains("directory") || !entry["directory"].is_string())
            throw InputError(path + ": every run needs a numeric \"dropout\" and a \"directory\"");
        SweepRun run;
        run.dropout = entry["dropout"].get<double>();
        run.name = entry["directory"].get<std::string>();
        run.directory = (fs::path(folder) / run.name).string();
        const std::string manifestPath = (fs::path(run.directory) / "manifest.json").string();
        try {
            const nlohmann::json manifest = readJsonFile(manifestPath);
            const auto finished = manifest.is_object() ? manifest.find("finished") : manifest.end();
            run.finished = finished != manifest.end() && finished->is_boolean() && finished->get<bool>();
        } catch (const InputError& error) {
            run.problem = error.what();
        }
        runs.push_back(std::move(run));
    }
    if (runs.empty()) throw InputError(path + ": the sweep lists no runs");
    std::sort(runs.begin(), runs.end(), [](const SweepRun& a, const SweepRun& b) { return a.dropout < b.dropout; });
    return runs;
}

} // namespace codescope::results
