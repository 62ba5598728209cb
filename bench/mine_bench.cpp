// codescope-mine-bench: the time of a MINE estimate on each known channel (Supplementary Fig. 1's validation), against
// its floor in the same process: the same number of plain Adam steps of the same statistics network (two forward
// passes of a batch, backward, step) without sampling, standardisation, pairing, the moving average or the final
// evaluation. The ratio says what MINE's bookkeeping costs on top of the network's own arithmetic.
#include <algorithm>
#include <cstdio>

#include "core/mine/known_channels.h"
#include "core/mine/mine_estimator.h"

#include "bench/bench_support.h"

using codescope::bench::argument;
using codescope::bench::flag;

int main(int argc, char** argv) {
    namespace mine = codescope::mine;
    if (flag(argc, argv, "--help")) {
        std::puts("usage: codescope-mine-bench [--steps 1500] [--threads 1] [--repeat 1]\n"
                  "  one MINE estimate per channel (bsc, erasure, gaussian; the estimator's other defaults)\n"
                  "  --threads  LibTorch threads (0: LibTorch's default)\n"
                  "  --repeat   floor and MINE runs, alternated; the fastest of each is reported");
        return 0;
    }
    mine::MineOptions options;
    options.steps = argument(argc, argv, "--steps", options.steps);
    options.threads = static_cast<int>(argument(argc, argv, "--threads", 1));
    const long repeats = std::max(1L, argument(argc, argv, "--repeat", 1));

    std::printf("codescope-mine-bench: MINE on channels of known mutual information\n"
                "  %lld steps of %lld joint samples, statistics network of 2 x %lld hidden units, %lld held-out "
                "samples, %d thread(s)\n\n",
                static_cast<long long>(options.steps), static_cast<long long>(options.batchSize),
                static_cast<long long>(options.hiddenUnits), static_cast<long long>(options.evaluationSamples),
                options.threads);
    std::printf("  %-9s %9s %9s %9s %9s %9s %7s\n", "channel", "estimate", "exact", "MINE s", "ms/step", "floor s",
                "ratio");
    std::printf("  (estimate and exact in nats; ms/step = MINE s / steps, evaluation included; fastest of %ld)\n",
                repeats);
    for (mine::ChannelKind kind :
         {mine::ChannelKind::BinarySymmetric, mine::ChannelKind::Erasure, mine::ChannelKind::Gaussian}) {
        const mine::ChannelOptions channel = mine::defaultChannelOptions(kind);
        double floor = 1e300, engine = 1e300, estimate = 0;
        for (long run = 0; run < repeats; ++run) {
            floor = std::min(floor, mine::statisticsNetworkSeconds(1, channel.uses, channel.uses, options));
            const mine::MineResult result = mine::estimateMutualInformation(mine::channelSampler(channel), options);
            engine = std::min(engine, result.seconds);
            estimate = result.estimates.front().mutualInformation;
        }
        std::printf("  %-9s %9.4f %9.4f %9.3f %9.3f %9.3f %7.2f\n", mine::channelName(kind).c_str(), estimate,
                    mine::exactMutualInformation(channel), engine, 1000.0 * engine / static_cast<double>(options.steps),
                    floor, engine / floor);
        std::fflush(stdout);
    }
    std::puts(
        "\n  floor: the same steps of the statistics network alone (2 forward passes of a batch, backward, Adam)");
    return 0;
}
