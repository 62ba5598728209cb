// codescope-tokenizer-bench: GPT-2 byte-level BPE encoding throughput (MB/s of UTF-8 text) against its floor in the
// same process: a plain pass over the same bytes that decodes every UTF-8 character (what any tokenizer must at
// least do). The text is the concatenation of /usr/share/common-licenses/* repeated to the requested size; the
// vocabulary is the test fixture's (400 merges learnt on GPL-3) unless --vocab names a GPT-2 vocab.json/merges.txt
// folder.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "core/text/bpe_tokenizer.h"

#include "bench/bench_support.h"

using codescope::bench::argument;
using codescope::bench::flag;
using codescope::bench::seconds;

namespace {

std::string textArgument(int argc, char** argv, const char* name, const std::string& fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
    return fallback;
}

std::string licenceText(std::size_t bytes) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/share/common-licenses")) {
        if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    std::string once;
    for (const auto& path : files) {
        std::ifstream in(path, std::ios::binary);
        once.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::string text;
    while (!once.empty() && text.size() < bytes)
        text += once;
    return text;
}

// The floor: decode every UTF-8 character's code point (no validation beyond the lead byte) and sum them.
std::uint64_t codePointSum(const std::string& text) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        std::uint32_t value = length == 1 ? lead : lead & (0x7F >> length);
        for (std::size_t k = 1; k < length && i + k < text.size(); ++k) {
            value = value << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        }
        sum += value;
        i += length;
    }
    return sum;
}

} // namespace

int main(int argc, char** argv) {
    namespace text = codescope::text;
    if (flag(argc, argv, "--help")) {
        std::puts("usage: codescope-tokenizer-bench [--megabytes 4] [--repeat 3] [--threads 2] [--vocab DIR]\n"
                  "  encodes the licences in /usr/share/common-licenses, repeated to --megabytes of text\n"
                  "  --vocab    folder with vocab.json and merges.txt (default: the test fixture's)\n"
                  "  --repeat   runs of each row; the fastest is reported\n"
                  "  --threads  threads of the last row, each encoding its share of the text with one tokenizer");
        return 0;
    }
    const long megabytes = std::max(1L, argument(argc, argv, "--megabytes", 4));
    const long repeats = std::max(1L, argument(argc, argv, "--repeat", 3));
    const long threads = std::max(1L, argument(argc, argv, "--threads", 2));
    const std::string vocab = textArgument(argc, argv, "--vocab", CODESCOPE_TOKENIZER_FIXTURE_DIR);
    const std::string corpus = licenceText(static_cast<std::size_t>(megabytes) << 20);
    const double mb = static_cast<double>(corpus.size()) / (1 << 20);

    const text::BpeTokenizer probe = text::BpeTokenizer::fromDirectory(vocab);
    std::printf("codescope-tokenizer-bench: GPT-2 byte-level BPE encode\n"
                "  %.1f MB of /usr/share/common-licenses/* text, vocabulary of %lld ids from %s, fastest of %ld\n\n",
                mb, static_cast<long long>(probe.vocabularySize()), vocab.c_str(), repeats);

    double floor = 1e300, cold = 1e300, warm = 1e300, parallel = 1e300;
    std::uint64_t checksum = 0;
    std::size_t tokens = 0;
    for (long run = 0; run < repeats; ++run) {
        floor = std::min(floor, seconds([&] { checksum += codePointSum(corpus); }));
        // Cold: a fresh tokenizer, so every distinct piece goes through BPE once (loading is not timed).
        const text::BpeTokenizer tokenizer = text::BpeTokenizer::fromDirectory(vocab);
        cold = std::min(cold, seconds([&] { tokens = tokenizer.encode(corpus).size(); }));
        warm = std::min(warm, seconds([&] { tokens = tokenizer.encode(corpus).size(); }));
        // Threads share one tokenizer (and its cache), each encoding a contiguous share cut at a line start.
        parallel = std::min(
            parallel, seconds([&] {
                std::vector<std::thread> workers;
                const std::size_t share = corpus.size() / static_cast<std::size_t>(threads);
                std::size_t begin = 0;
                for (long t = 0; t < threads; ++t) {
                    std::size_t end = t + 1 == threads
                                          ? corpus.size()
                                          : corpus.find('\n', std::max(begin, static_cast<std::size_t>(t + 1) * share));
                    if (end == std::string::npos) end = corpus.size();
                    workers.emplace_back([&, begin, end] { tokenizer.encode(corpus.substr(begin, end - begin)); });
                    begin = end;
                }
                for (auto& worker : workers)
                    worker.join();
            }));
    }

    std::printf("  %-28s %9s %9s %7s\n", "", "seconds", "MB/s", "ratio");
    const auto row = [&](const char* name, double time) {
        std::printf("  %-28s %9.4f %9.2f %7.1f\n", name, time, mb / time, time / floor);
    };
    row("floor: UTF-8 decode pass", floor);
    row("encode, cold cache", cold);
    row("encode, warm cache", warm);
    const std::string parallelName = "encode, warm, " + std::to_string(threads) + " threads";
    row(parallelName.c_str(), parallel);
    std::printf("\n  %zu tokens (%.2f bytes/token); ratio = seconds / floor seconds (checksum %llu)\n", tokens,
                static_cast<double>(corpus.size()) / static_cast<double>(tokens),
                static_cast<unsigned long long>(checksum % 1000));
    return 0;
}
