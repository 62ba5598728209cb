#include "core/results/sweep_folder.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/input_error.h"

namespace codescope::results {

namespace fs = std::filesystem;

namespace {

nlohmann::json readJsonFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot open it");
    std::stringstream text;
    text << in.rdbuf();
    try {
        return nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::exception& error) {
        throw InputError(path + ": not valid JSON (" + std::string(error.what()) + ")");
    }
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
