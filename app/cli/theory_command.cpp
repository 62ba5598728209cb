#include "app/cli/theory_command.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/cli/command_line.h"
#include "core/io/atomic_file.h"
#include "core/theory/coding_theory.h"
#include "core/theory/zeta.h"

namespace codescope::cli {

const char* const kTheoryHelp = R"(usage: codescope-cli theory TOPIC [options] [--json FILE]

Tables of the paper's closed-form coding-theory results. Entropies and capacities are in bits (log base 2).

topics:
  compression   eq. 1: compression rate R(S, H) of S-sparse inputs next to its large-H limit 1 - S
  dropout       eq. 2 and Theorem 3: capacity after N dropout layers, with and without error correction
  zeta          eq. 4: Riemann zeta(s) and the expected action 1/2 zeta(-alpha) of random projections
  capacity      eq. 3 / Theorem 4: effective capacity C_alpha of m units with a power-law spectrum

Run `codescope-cli theory TOPIC --help` for a topic's options.
)";

namespace {

const char* const kCompressionHelp = R"(usage: codescope-cli theory compression [options]

Eq. 1: R(S, H) = 1 - S + h(S)/H with h(S) = -S log2 S - (1-S) log2(1-S), the hidden units an optimal code needs
per input dimension for inputs of sparsity S whose non-zero elements carry H bits; for large H, R ~ 1 - S.
(Lemma 2: R = H(X^S) / (n H).)

options:
  --sparsity LIST   comma-separated sparsities in [0, 1]       [0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95,0.99,1]
  --bits LIST       comma-separated entropies H per element, bits > 0   [8,16,32]
  --json FILE       write the table as JSON (written atomically)
  --help            this text
)";

const char* const kDropoutHelp = R"(usage: codescope-cli theory dropout [options]

Capacity C = m x bits of a dense code after N dropout layers of rate D: without error correction C (1-D)^N (text
above eq. 2), with error correction C (1-D) (eq. 2), and Theorem 3's bounds on one layer,
m (1-D) (bits - eps) <= C_dropout <= m (1-D) bits with eps = -log2(1 - 2^-bits).

options:
  --units M         layer width m                                  [1024]
  --bits X          bits per unit (C_base)                         [32]
  --dropout LIST    comma-separated dropout rates in [0, 1]        [0,0.1,0.2,0.4,0.6,0.8]
  --layers LIST     comma-separated numbers of dropout layers N    [1,2,4,8]
  --json FILE       write the table as JSON (written atomically)
  --help            this text
)";

const char* const kZetaHelp = R"(usage: codescope-cli theory zeta [options]

The Riemann zeta function zeta(s) = sum_k k^-s (s > 1) and eq. 4's expected action of random projections of a
layer whose eigenvalues decay as i^alpha with alpha = -s: <E[z]> ~ 1/2 zeta(-alpha). For alpha >= -1 the series
diverges (see `theory capacity`).

options:
  --s LIST          comma-separated arguments s > 1   [1.01,1.1,1.5,2,3,4,10]
  --json FILE       write the table as JSON (written atomically)
  --help            this text
)";

const char* const kCapacityHelp = R"(usage: codescope-cli theory capacity [options]

Eq. 3: the effective capacity of m units of `bits` bits whose spectrum decays as i^alpha,
C_alpha ~ C - |alpha| m log2(m/e) with C = m x bits (Theorem 4's bound with Stirling; clamped at 0), shown in bits
and as a percentage of C, next to eq. 4's expected action 1/2 zeta(-alpha) (divergent for alpha >= -1).

options:
  --alpha LIST      comma-separated power-law exponents             [-0.5,-1,-1.5,-2,-3]
  --units LIST      comma-separated layer widths m >= 1             [64,256,1024,8000]
  --bits X          bits per unit                                   [32]
  --json FILE       write the table as JSON (written atomically)
  --help            this text
)";

double parseNumber(const std::string& option, const std::string& text) {
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || errno != 0 || *end != '\0' || !std::isfinite(value))
        throw UsageError("--" + option + ": '" + text + "' is not a number");
    return value;
}

// A comma-separated list of numbers, each checked by `valid` (whose failure message is `requirement`).
std::vector<double> numberList(const CommandLine& cl, const std::string& option, const std::vector<double>& fallback,
                               const std::function<bool(double)>& valid, const std::string& requirement) {
    if (!cl.has(option)) return fallback;
    std::vector<double> values;
    const std::string text = cl.text(option);
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const double value = parseNumber(option, item);
        if (!valid(value)) throw UsageError("--" + option + " values must be " + requirement + ", got " + item);
        values.push_back(value);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return values;
}

double number(const CommandLine& cl, const std::string& option, double fallback,
              const std::function<bool(double)>& valid, const std::string& requirement) {
    if (!cl.has(option)) return fallback;
    const double value = parseNumber(option, cl.text(option));
    if (!valid(value)) throw UsageError("--" + option + " must be " + requirement + ", got " + cl.text(option));
    return value;
}

bool isFraction(double v) {
    return v >= 0.0 && v <= 1.0;
}
bool isPositive(double v) {
    return v > 0.0;
}
bool isCount(double v) {
    return v >= 0.0 && v <= 1e6 && v == std::floor(v);
}
bool isWidth(double v) {
    return v >= 1.0 && v <= 1e12 && v == std::floor(v);
}

// Integer-valued options (widths, layer counts) echoed as JSON integers.
std::vector<long long> integers(const std::vector<double>& values) {
    return {values.begin(), values.end()};
}

void writeJson(const CommandLine& cl, const nlohmann::json& json) {
    if (cl.has("json")) io::writeFileAtomically(cl.text("json"), json.dump(2) + "\n");
}

int compressionTopic(const CommandLine& cl) {
    const auto sparsities = numberList(cl, "sparsity", {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1},
                                       isFraction, "in [0, 1]");
    const auto bits = numberList(cl, "bits", {8, 16, 32}, isPositive, "> 0 bits");
    std::printf("eq. 1: compression rate R(S, H) = 1 - S + h(S)/H (hidden units per input dimension)\n\n");
    std::printf("  %8s  %8s", "S", "1 - S");
    for (double h : bits) {
        char header[32];
        std::snprintf(header, sizeof header, "R, H=%g", h);
        std::printf("  %10s", header);
    }
    std::printf("\n");
    nlohmann::json rows = nlohmann::json::array();
    for (double s : sparsities) {
        std::printf("  %8.4g  %8.4f", s, theory::compressionRateLimit(s));
        nlohmann::json rates = nlohmann::json::array();
        for (double h : bits) {
            const double r = theory::compressionRate(s, h);
            std::printf("  %10.4f", r);
            rates.push_back(r);
        }
        std::printf("\n");
        rows.push_back({{"sparsity", s}, {"limit", theory::compressionRateLimit(s)}, {"rate", rates}});
    }
    std::printf("\n  R - (1 - S) = h(S)/H <= 1/H: the large-H limit is within %.4f for H >= %g bits.\n",
                1.0 / bits.back(), bits.back());
    writeJson(cl, {{"topic", "compression"},
                   {"equation", "eq. 1: R = 1 - S + h(S)/H, bits"},
                   {"options", {{"sparsity", sparsities}, {"bits", bits}}},
                   {"rows", rows}});
    return 0;
}

int dropoutTopic(const CommandLine& cl) {
    const auto units = static_cast<std::int64_t>(number(cl, "units", 1024, isWidth, "an integer >= 1"));
    const double bits = number(cl, "bits", 32, isPositive, "> 0");
    const auto rates = numberList(cl, "dropout", {0, 0.1, 0.2, 0.4, 0.6, 0.8}, isFraction, "in [0, 1]");
    const auto layers = numberList(cl, "layers", {1, 2, 4, 8}, isCount, "integers from 0 to 1000000");
    const double capacity = theory::denseCapacityBits(units, bits);
    std::printf("dropout: capacity of m = %lld units x %g bits, C = %.6g bits\n\n", static_cast<long long>(units), bits,
                capacity);
    std::printf("  %6s  %14s", "D", "C(1-D) eq.2");
    for (double n : layers)
        std::printf("  %14s", ("C(1-D)^" + std::to_string(static_cast<long long>(n))).c_str());
    std::printf("  %14s  %14s\n", "Thm 3 lower", "Thm 3 upper");
    nlohmann::json rows = nlohmann::json::array();
    for (double d : rates) {
        const double corrected = theory::dropoutCapacityWithCorrection(capacity, d);
        const theory::DropoutCapacityBounds bounds = theory::dropoutCapacityBounds(units, bits, d);
        std::printf("  %6.3g  %14.6g", d, corrected);
        nlohmann::json uncorrected = nlohmann::json::array();
        for (double n : layers) {
            const double value = theory::dropoutCapacityWithoutCorrection(capacity, d, static_cast<int>(n));
            std::printf("  %14.6g", value);
            uncorrected.push_back(value);
        }
        std::printf("  %14.6g  %14.6g\n", bounds.lower, bounds.upper);
        rows.push_back({{"dropout", d},
                        {"with_correction", corrected},
                        {"without_correction", uncorrected},
                        {"theorem3_lower", bounds.lower},
                        {"theorem3_stated_lower", bounds.statedLower},
                        {"theorem3_upper", bounds.upper},
                        {"theorem3_epsilon", bounds.epsilon}});
    }
    std::printf("\n  bits; without error correction the loss compounds over the N layers, with it only one layer's.\n");
    writeJson(cl, {{"topic", "dropout"},
                   {"equation", "C (1-D)^N without error correction; eq. 2: C (1-D); Theorem 3 bounds; bits"},
                   {"options", {{"units", units}, {"bits", bits}, {"dropout", rates}, {"layers", integers(layers)}}},
                   {"capacity_bits", capacity},
                   {"rows", rows}});
    return 0;
}

int zetaTopic(const CommandLine& cl) {
    const auto arguments = numberList(
        cl, "s", {1.01, 1.1, 1.5, 2, 3, 4, 10}, [](double v) { return v > 1.0; }, "> 1");
    std::printf("Riemann zeta and eq. 4's expected action of random projections, <E[z]> ~ 1/2 zeta(-alpha)\n\n");
    std::printf("  %8s  %22s  %8s  %22s\n", "s", "zeta(s)", "alpha", "1/2 zeta(-alpha)");
    nlohmann::json rows = nlohmann::json::array();
    for (double s : arguments) {
        const double value = theory::riemannZeta(s);
        std::printf("  %8.4g  %22.15g  %8.4g  %22.15g\n", s, value, -s, 0.5 * value);
        rows.push_back({{"s", s}, {"zeta", value}, {"alpha", -s}, {"expected_action", 0.5 * value}});
    }
    writeJson(cl, {{"topic", "zeta"},
                   {"equation", "zeta(s) = sum_k k^-s; eq. 4: <E[z]> ~ 1/2 zeta(-alpha)"},
                   {"options", {{"s", arguments}}},
                   {"rows", rows}});
    return 0;
}

int capacityTopic(const CommandLine& cl) {
    const auto alphas = numberList(
        cl, "alpha", {-0.5, -1, -1.5, -2, -3}, [](double v) { return std::isfinite(v); }, "finite");
    const auto widths = numberList(cl, "units", {64, 256, 1024, 8000}, isWidth, "integers >= 1");
    const double bits = number(cl, "bits", 32, isPositive, "> 0");
    std::printf("eq. 3: effective capacity C_alpha ~ C - |alpha| m log2(m/e), C = m x %g bits\n\n", bits);
    std::printf("  %7s", "alpha");
    for (double m : widths)
        std::printf("  %20s", ("m=" + std::to_string(static_cast<long long>(m))).c_str());
    std::printf("  %18s\n", "1/2 zeta(-alpha)");
    nlohmann::json rows = nlohmann::json::array();
    for (double alpha : alphas) {
        std::printf("  %7.3g", alpha);
        nlohmann::json cells = nlohmann::json::array();
        for (double m : widths) {
            const auto units = static_cast<std::int64_t>(m);
            const double capacity = theory::denseCapacityBits(units, bits);
            const double effective = theory::effectiveCapacityBits(alpha, units, bits);
            const theory::PowerLawEntropyBound bound = theory::powerLawEntropyBoundBits(alpha, units, bits);
            char cell[64];
            std::snprintf(cell, sizeof cell, "%.6g (%.1f%%)", effective, 100.0 * effective / capacity);
            std::printf("  %20s", cell);
            cells.push_back({{"units", units},
                             {"capacity_bits", capacity},
                             {"effective_bits", effective},
                             {"theorem4_exact_bits", bound.exact},
                             {"theorem4_stirling_bits", bound.stirling}});
        }
        const std::optional<double> action = theory::expectedActionFromExponent(alpha);
        if (action)
            std::printf("  %18.6g\n", *action);
        else
            std::printf("  %18s\n", "divergent");
        rows.push_back({{"alpha", alpha},
                        {"widths", cells},
                        {"expected_action", action ? nlohmann::json(*action) : nlohmann::json()},
                        {"divergent", !action.has_value()}});
    }
    std::printf(
        "\n  bits (percentage of C); the action diverges for alpha >= -1 (non-differentiable codes, Fig. 4c).\n");
    writeJson(cl, {{"topic", "capacity"},
                   {"equation", "eq. 3: C_alpha ~ C - |alpha| m log2(m/e), clamped at 0; eq. 4: 1/2 zeta(-alpha)"},
                   {"options", {{"alpha", alphas}, {"units", integers(widths)}, {"bits", bits}}},
                   {"rows", rows}});
    return 0;
}

struct Topic {
    const char* help;
    std::set<std::string> options;
    int (*run)(const CommandLine&);
};

const std::map<std::string, Topic>& topics() {
    static const std::map<std::string, Topic> table = {
        {"compression", {kCompressionHelp, {"sparsity", "bits", "json"}, compressionTopic}},
        {"dropout", {kDropoutHelp, {"units", "bits", "dropout", "layers", "json"}, dropoutTopic}},
        {"zeta", {kZetaHelp, {"s", "json"}, zetaTopic}},
        {"capacity", {kCapacityHelp, {"alpha", "units", "bits", "json"}, capacityTopic}},
    };
    return table;
}

} // namespace

int runTheoryCommand(const std::vector<std::string>& args) {
    if (args.empty()) throw UsageError("theory needs a topic: compression, dropout, zeta or capacity (see --help)");
    if (args[0] == "--help" || args[0] == "-h") {
        std::fputs(kTheoryHelp, stdout);
        return 0;
    }
    const auto found = topics().find(args[0]);
    if (found == topics().end())
        throw UsageError("unknown theory topic '" + args[0] + "' (compression, dropout, zeta or capacity)");
    const CommandLine cl(std::vector<std::string>(args.begin() + 1, args.end()), found->second.options, {"help"});
    if (cl.has("help")) {
        std::fputs(found->second.help, stdout);
        return 0;
    }
    return found->second.run(cl);
}

} // namespace codescope::cli
