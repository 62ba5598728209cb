#include "core/capture/layer_analysis.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <thread>
#include <utility>

#include "core/capture/forward_batch.h"
#include "core/common/huge_pages.h"
#include "core/common/input_error.h"
#include "core/common/wall_clock.h"
#include "core/common/worker_threads.h"
#include "core/distributed/communicator.h"
#include "core/distributed/statistics_merge.h"
#include "core/spectrum/blas_threads.h"
#include "core/spectrum/covariance_accumulator.h"

namespace codescope::capture {

namespace {

using spectrum::CovarianceAccumulator;

struct LayerJob {
    models::LayerInfo layer;
    spectrum::SpectrumPlan plan;
    std::string warning;
    std::string nonFinite; // set at the first NaN/Inf activation: the layer gets this status instead of a spectrum
    bool twoHalves = false;
    // The Gram side (fewer samples than kept features): the kept rows are stored instead of a covariance streamed,
    // in memory unless they alone overflow the budget (then in a temporary file).
    bool gram = false;
    bool spill = false;
    bool singleProducts = false; // covariance side: float32 products, a float32 m x m workspace per accumulator
    std::unique_ptr<CovarianceAccumulator> accumulator;
    std::unique_ptr<CovarianceAccumulator> heldOut; // the second half's, for the held-out spectrum
    std::unique_ptr<spectrum::RowStore> rows;       // the Gram side's accumulator and heldOut
    std::unique_ptr<spectrum::RowStore> heldOutRows;
    double accumulateSeconds = 0;
    spectrum::CovarianceSpectrum spectrum;
    Eigen::MatrixXf scores;

    std::int64_t kept() const { return static_cast<std::int64_t>(plan.columns.size()); }
    std::int64_t rowBytes() const {
        return spectrum::RowStore::bytesFor(plan.samples, kept(), spectrum::RowStore::Precision::Single);
    }
    // Held through the data pass: the covariance(s), or the kept rows unless they go to a file.
    std::int64_t passBytes() const {
        if (gram) return spill ? 0 : rowBytes();
        return (twoHalves ? 2 : 1) * (singleProducts ? 12 : 8) * kept() * kept();
    }
    // Held on top while solving: the eigensolver's two copies of the covariance, or the Gram matrix, LAPACK's copy of
    // it and its eigenvectors.
    std::int64_t solveBytes() const {
        if (gram) return 24 * plan.samples * plan.samples;
        return 16 * (twoHalves ? 2 : 1) * kept() * kept();
    }

    void addFirst(const Eigen::Ref<const Eigen::MatrixXd>& block) {
        if (gram)
            rows->add(block);
        else
            accumulator->add(block);
    }
    void addSecond(const Eigen::Ref<const Eigen::MatrixXd>& block) {
        if (gram)
            heldOutRows->add(block);
        else
            heldOut->add(block);
    }
};

at::Tensor toTensor(const data::ImageBatch& batch) {
    // The batch owns its pixels; the tensor borrows them only until the forward pass has copied what it needs.
    return at::from_blob(const_cast<float*>(batch.pixels.data()),
                         {batch.count, batch.channels, batch.height, batch.width}, at::kFloat);
}

// The kept columns of a (batch x features) float activation tensor, as doubles for the accumulator.
void keptColumns(const at::Tensor& activations, const std::vector<std::int64_t>& columns, Eigen::MatrixXd& block) {
    const at::Tensor contiguous = activations.contiguous();
    const float* values = contiguous.data_ptr<float>();
    const std::int64_t rows = contiguous.size(0);
    const std::int64_t width = contiguous.size(1);
    block.resize(rows, static_cast<Eigen::Index>(columns.size()));
    // In tiles of rows: a tile's rows of the tensor (row-major) stay in cache while its part of every kept column of
    // the block (column-major) is written contiguously. Row by row, every write went to another column.
    constexpr std::int64_t kTileRows = 16;
    for (std::int64_t first = 0; first < rows; first += kTileRows) {
        const std::int64_t tile = std::min(kTileRows, rows - first);
        for (std::size_t j = 0; j < columns.size(); ++j) {
            double* out = block.col(static_cast<Eigen::Index>(j)).data() + first;
            const float* in = values + first * width + columns[j];
            for (std::int64_t i = 0; i < tile; ++i)
                out[i] = in[i * width];
        }
    }
}

// Adds the layer's kept columns of one batch (rows from `firstRow` on) to `job` through `add`, unless the layer
// already holds NaN or Inf; the first such activation ends the layer's accumulation with a status naming the sample.
template <typename Add>
void accumulateBatch(LayerJob& job, const at::Tensor& activations, std::int64_t firstRow, Eigen::MatrixXd& block,
                     Add add) {
    if (!job.nonFinite.empty()) return;
    keptColumns(activations, job.plan.columns, block);
    if (!block.allFinite()) {
        Eigen::Index row = 0;
        while (row < block.rows() && block.row(row).allFinite())
            ++row;
        job.nonFinite = "non-finite: the activations hold NaN or Inf (first in sample " +
                        std::to_string(firstRow + row + 1) + "); no spectrum";
        return;
    }
    add(block);
}

// The inputs this process runs the model on: all of them, or on a rank of a sharded analysis a contiguous run of
// whole batches. Slices are cut at the batch boundaries a single process would use, so every forward pass sees the
// same batch as it would alone (a kernel may round differently for another batch size) and the results match it.
class BatchStream {
public:
    BatchStream(const InputSource& inputs, std::int64_t count, std::int64_t batchSize,
                distributed::Communicator* communicator)
        : m_inputs(inputs), m_batchSize(batchSize), m_communicator(communicator), m_last(count) {
        const std::int64_t batches = (count + batchSize - 1) / batchSize;
        m_steps = batches;
        if (sharded()) {
            const int size = communicator->size();
            const distributed::Slice mine = distributed::sliceOf(batches, communicator->rank(), size);
            m_first = std::min(count, mine.first * batchSize);
            m_last = std::min(count, (mine.first + mine.count) * batchSize);
            m_steps = (batches + size - 1) / size; // the most batches any rank has
        }
    }

    bool sharded() const { return distributed::isSharded(m_communicator); }
    std::int64_t firstInput() const { return m_first; }
    std::int64_t inputCount() const { return m_last - m_first; }

    // Calls visit(firstRow, batch) for consecutive batches of this process's inputs, firstRow counting activation
    // rows of the whole data set; the next batch is read and preprocessed on a worker thread while the caller runs
    // the model on the current one. After each batch, done(rows) with the activation rows every rank took in it.
    // Sharded, every rank takes the same number of steps (one without a batch left idles) and agrees after each
    // on whether one failed, so that a rank that throws stops the others within a batch.
    template <typename Visit, typename Done> void forEach(const CancelToken* cancel, Visit visit, Done done) {
        auto load = [this](std::int64_t first) { return m_inputs.batch(first, std::min(m_batchSize, m_last - first)); };
        std::future<at::Tensor> next;
        if (m_first < m_last) next = std::async(std::launch::async, load, m_first);
        std::int64_t first = m_first;
        distributed::inLockstep(
            m_communicator, m_steps,
            [&](std::int64_t) {
                if (first >= m_last) return 0.0;
                at::Tensor batch = next.get();
                const std::int64_t following = first + batch.size(0);
                if (following < m_last) next = std::async(std::launch::async, load, following);
                if (cancel && cancel->isCancelled()) {
                    if (next.valid()) next.wait();
                    throw Cancelled();
                }
                visit(first * m_inputs.samplesPerInput(), batch);
                first = following;
                return static_cast<double>(batch.size(0) * m_inputs.samplesPerInput());
            },
            done);
    }

private:
    const InputSource& m_inputs;
    std::int64_t m_batchSize;
    distributed::Communicator* m_communicator;
    std::int64_t m_first = 0;
    std::int64_t m_last;
    std::int64_t m_steps = 0;
};

// Plans each layer and its side (covariance or Gram), widening the stride of any layer whose eigenproblem alone
// would not fit `available` bytes; a Gram-side layer whose rows overflow what is left keeps them in a file.
std::vector<LayerJob> planLayers(const std::vector<models::LayerInfo>& layers, std::int64_t samples,
                                 const CaptureOptions& options, std::int64_t available) {
    std::vector<LayerJob> jobs;
    for (const models::LayerInfo& layer : layers) {
        LayerJob job;
        job.layer = layer;
        job.twoHalves = options.heldOutSpectrum;
        job.singleProducts = options.spectrum.singlePrecisionProducts;
        auto choose = [&](const spectrum::SpectrumOptions& spectrumOptions) {
            job.plan = spectrum::planSpectrum(samples, layer.features(), spectrumOptions, layer.name);
            job.gram = spectrum::useGramSide(samples, job.kept(), spectrumOptions.side);
        };
        choose(options.spectrum);
        if (job.passBytes() + job.solveBytes() > available && (!job.gram || job.solveBytes() > available)) {
            spectrum::SpectrumOptions narrower = options.spectrum;
            narrower.maxFeatures = std::max<std::int64_t>(2, static_cast<std::int64_t>(std::sqrt(available / 24.0)));
            const std::int64_t methodsStride = job.plan.stride;
            choose(narrower);
            job.warning = "stride raised from " + std::to_string(methodsStride) + " to " +
                          std::to_string(job.plan.stride) + " to fit the memory budget";
        }
        job.spill = job.gram && job.rowBytes() + job.solveBytes() > available;
        jobs.push_back(std::move(job));
    }
    return jobs;
}

// Consecutive layers (in depth order) whose pass memory, plus the largest eigenproblem among them, fits `available`
// bytes: one data pass each.
std::vector<std::vector<std::size_t>> groupLayers(const std::vector<LayerJob>& jobs, std::int64_t available) {
    std::vector<std::vector<std::size_t>> groups;
    std::int64_t used = 0;
    std::int64_t largest = 0;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        const std::int64_t bytes = jobs[i].passBytes();
        const std::int64_t newLargest = std::max(largest, jobs[i].solveBytes());
        if (groups.empty() || used + bytes + newLargest > available) {
            groups.emplace_back();
            used = 0;
            largest = 0;
        }
        groups.back().push_back(i);
        used += bytes;
        largest = std::max(largest, jobs[i].solveBytes());
    }
    return groups;
}

// The spectrum of a job whose pass is done, from its covariance(s) or its kept rows.
void solveLayer(LayerJob& job, std::int64_t samples, const CaptureOptions& options, const std::string& where) {
    if (!job.nonFinite.empty())
        job.spectrum.result = spectrum::unusableSpectrum(job.plan, samples, job.nonFinite);
    else if (options.heldOutSpectrum && job.gram)
        job.spectrum.result =
            spectrum::heldOutSpectrumOfRows(*job.rows, *job.heldOutRows, job.plan, options.spectrum, where);
    else if (options.heldOutSpectrum)
        job.spectrum.result =
            spectrum::heldOutSpectrumOfCovariances(*job.accumulator, *job.heldOut, job.plan, options.spectrum, where);
    else if (job.gram)
        job.spectrum = spectrum::spectrumOfRows(*job.rows, job.plan, options.spectrum, where);
    else
        job.spectrum = spectrum::spectrumOfCovariance(*job.accumulator, job.plan, options.spectrum, where);
    job.spectrum.result.covarianceSeconds += job.accumulateSeconds;
    job.accumulator.reset();
    job.heldOut.reset();
    job.rows.reset();
    job.heldOutRows.reset();
    if (!job.warning.empty()) job.spectrum.result.warnings.push_back(job.warning);
}

// The order of the eigenproblem a job solves: the Gram matrix's (samples) or the covariance's (kept features). Its
// cost grows as the cube of it.
std::int64_t solveOrder(const LayerJob& job) {
    return job.gram ? job.plan.samples : job.kept();
}

// Solves the group's layers (whose pass is done), one per core side by side, each on one BLAS thread, as many at once
// as the largest eigenproblems fit `available` bytes beside the pass's statistics (one at a time when two do not). Why:
// LAPACK's eigenvalue-only reduction gains nothing from OpenBLAS's second thread (its band-to-tridiagonal stage and
// dsterf are sequential). Measured on the 2-core machine, two 4096 x 4096 dsyevd_2stage solves took 9.7 s one after the
// other on two BLAS threads, 9.2 s on one, and 4.7 s side by side on one each (2048: 1.9, 1.2 and 0.8 s); ResNet-18
// with 5000 images went from 53 to 36 s. Largest first, so that the small ones fill in at the end. Each layer is solved
// on its own, so the order does not change its result.
void solveLayers(std::vector<LayerJob>& jobs, const std::vector<std::size_t>& group, std::int64_t samples,
                 const CaptureOptions& options, const std::string& modelName, std::int64_t available) {
    std::vector<std::size_t> order = group;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return solveOrder(jobs[a]) > solveOrder(jobs[b]); });
    std::int64_t held = 0;
    std::vector<std::int64_t> solving;
    for (std::size_t i : order) {
        held += jobs[i].passBytes();
        solving.push_back(jobs[i].solveBytes());
    }
    // As many workers as cores, and as the largest eigenproblems that fit side by side.
    std::sort(solving.rbegin(), solving.rend());
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    std::size_t workers = 1;
    std::int64_t inFlight = solving.empty() ? 0 : solving[0];
    while (workers < std::min(cores, solving.size()) && held + inFlight + solving[workers] <= available)
        inFlight += solving[workers++];
    auto solve = [&](std::size_t i) {
        solveLayer(jobs[i], samples, options, modelName + ": layer " + jobs[i].layer.name);
    };
    if (workers == 1) {
        for (std::size_t i : order)
            solve(i);
        return;
    }
    const spectrum::SingleThreadedBlas oneThreadEach;
    std::atomic<std::size_t> next{0};
    runOnThreads(static_cast<int>(workers), [&](const std::atomic<bool>& failed) {
        for (std::size_t k = next++; k < order.size() && !failed; k = next++)
            solve(order[k]);
    });
}

// A job on a rank other than 0 after the merge: its statistics freed (rank 0 holds the merged ones), its layer and
// plan kept for the placeholder result and the bootstrap's second pass.
LayerJob releaseStatistics(LayerJob job) {
    job.accumulator.reset();
    job.heldOut.reset();
    job.rows.reset();
    job.heldOutRows.reset();
    return job;
}

// Brings one layer's statistics of every rank together on rank 0: the first non-finite activation (the lowest rank's,
// the earliest in sample order) for every rank, then the covariances merged or the kept rows gathered in sample
// order. `firstRows`, `secondRows`: the whole data set's rows of each half (held-out) or firstRows = all of them.
void mergeShards(distributed::Communicator* communicator, LayerJob& job, std::int64_t firstRows,
                 std::int64_t secondRows, bool heldOut) {
    job.nonFinite = distributed::firstMessage(communicator, job.nonFinite);
    if (!job.nonFinite.empty()) return; // the layer gets its status; its statistics are not needed
    if (job.gram) {
        const std::int64_t memory = job.spill ? 0 : std::numeric_limits<std::int64_t>::max();
        job.rows = distributed::gatherRows(communicator, *job.rows, firstRows, memory);
        if (heldOut) job.heldOutRows = distributed::gatherRows(communicator, *job.heldOutRows, secondRows, memory);
    } else {
        distributed::mergeToRoot(communicator, *job.accumulator);
        if (heldOut) distributed::mergeToRoot(communicator, *job.heldOut);
    }
}

} // namespace

std::vector<models::LayerInfo> defaultLayers(const std::vector<models::LayerInfo>& layers) {
    for (const char* kind : {"relu", "gelu"}) {
        std::vector<models::LayerInfo> activations;
        std::copy_if(layers.begin(), layers.end(), std::back_inserter(activations),
                     [&](const models::LayerInfo& layer) { return layer.kind == kind; });
        if (!activations.empty()) return activations;
    }
    return layers;
}

std::vector<models::LayerInfo> chooseLayers(const std::vector<models::LayerInfo>& discovered,
                                            const std::vector<std::string>& names, const std::string& modelName) {
    if (names.empty()) return defaultLayers(discovered);
    std::vector<models::LayerInfo> chosen;
    for (const std::string& name : names) {
        const auto found = std::find_if(discovered.begin(), discovered.end(),
                                        [&](const models::LayerInfo& layer) { return layer.name == name; });
        if (found == discovered.end())
            throw InputError(modelName + ": no layer named '" + name + "' (codescope-cli layers lists them)");
        chosen.push_back(*found);
    }
    std::sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a.depth < b.depth; });
    chosen.erase(
        std::unique(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a.name == b.name; }),
        chosen.end());
    return chosen;
}

std::vector<LayerSpectrum> analyzeLayers(models::CapturableModel& model, const data::ImageDataset& dataset,
                                         const data::Preprocessing& preprocessing,
                                         const std::vector<std::string>& layerNames, const CaptureOptions& options,
                                         const CaptureProgressCallback& progress, const CancelToken* cancel,
                                         results::AnalysisTimings* timings) {
    return analyzeLayers(model, *imageInputs(dataset, preprocessing), layerNames, options, progress, cancel, timings);
}

std::vector<LayerSpectrum> analyzeLayers(models::CapturableModel& model, const InputSource& inputSource,
                                         const std::vector<std::string>& layerNames, const CaptureOptions& options,
                                         const CaptureProgressCallback& progress, const CancelToken* cancel,
                                         results::AnalysisTimings* timings) {
    results::AnalysisTimings notKept; // where the seconds go when the caller did not ask for them
    results::AnalysisTimings& spent = timings ? *timings : notKept;
    const std::int64_t inputs =
        options.samples > 0 ? std::min(options.samples, inputSource.size()) : inputSource.size();
    const std::int64_t perInput = inputSource.samplesPerInput();
    const std::int64_t samples = inputs * perInput;
    if (samples < 2)
        throw InputError(inputSource.name() + ": needs at least 2 samples for a covariance, has " +
                         std::to_string(samples));

    distributed::Communicator* const communicator = options.communicator;
    const bool root = distributed::isRoot(communicator);
    // Every rank reads the first two inputs to learn the layers' shapes (the batch size and the slices depend on them).
    std::vector<models::LayerInfo> discovered;
    distributed::together(communicator, [&] {
        discovered = model.discoverLayers(inputSource.batch(0, std::min<std::int64_t>(2, inputs)));
    });
    const std::vector<models::LayerInfo> layers = chooseLayers(discovered, layerNames, model.name());
    if (layers.empty()) throw InputError(model.name() + ": no layers to analyse");

    // One batch of activations holds a quarter of the budget (forward_batch.h); the covariances get the rest.
    const ForwardBatch batch = forwardBatch(discovered, layers, perInput, options.memoryBudgetBytes, options.batchSize);
    const std::int64_t batchSize = batch.inputs;
    const std::int64_t available = options.memoryBudgetBytes - batch.bytes();
    if (available <= 0) throw InputError("the memory budget is too small for one batch of activations");

    std::vector<LayerJob> jobs = planLayers(layers, samples, options, available);
    const auto groups = groupLayers(jobs, available);
    const bool bootstrap = options.spectrum.bootstrapResamples > 0 && !options.heldOutSpectrum;
    // The tokens of a sequence are not independent samples: the bootstrap resamples whole inputs (a sequence's
    // perInput consecutive rows; one row per image, as before).
    spectrum::SpectrumOptions resampling = options.spectrum;
    resampling.bootstrapRowsPerUnit = perInput;
    const double totalUnits = static_cast<double>(groups.size()) * (bootstrap ? 3.0 : 1.0) * samples;
    double doneUnits = 0;
    std::int64_t samplesSeen = 0;
    const auto start = std::chrono::steady_clock::now();
    auto report = [&](double units) {
        doneUnits += units;
        if (!progress) return;
        const double elapsed = secondsSince(start);
        progress({std::min(1.0, doneUnits / totalUnits), elapsed > 0 ? samplesSeen / elapsed : 0.0});
    };
    // A step of a pass is done: the activation rows every rank took in it count as samples seen and work done.
    auto batchDone = [&](double rows) {
        samplesSeen += static_cast<std::int64_t>(rows);
        report(rows);
    };

    BatchStream stream(inputSource, inputs, batchSize, communicator);
    const bool sharded = stream.sharded();
    // This process's activation rows: [rowFirst, rowFirst + localRows) of the data set's.
    const std::int64_t rowFirst = stream.firstInput() * perInput;
    const std::int64_t localRows = stream.inputCount() * perInput;
    Eigen::MatrixXd block;
    for (const auto& group : groups) {
        std::vector<std::string> names;
        const std::int64_t half = samples / 2;
        // The rows of each half this process holds (sharded, a rank keeps its own rows until they are gathered).
        const std::int64_t firstRows = options.heldOutSpectrum ? half : samples;
        const std::int64_t localFirstRows = std::clamp<std::int64_t>(firstRows - rowFirst, 0, localRows);
        for (std::size_t i : group) {
            LayerJob& job = jobs[i];
            names.push_back(job.layer.name);
            if (job.gram) {
                const std::int64_t memory = job.spill ? 0 : std::numeric_limits<std::int64_t>::max();
                const auto single = spectrum::RowStore::Precision::Single; // activations are float32: nothing lost
                const std::int64_t first = sharded ? localFirstRows : firstRows;
                const std::int64_t second = sharded ? localRows - localFirstRows : samples - half;
                job.rows =
                    std::make_unique<spectrum::RowStore>(std::max<std::int64_t>(1, first), job.kept(), single, memory);
                if (options.heldOutSpectrum)
                    job.heldOutRows = std::make_unique<spectrum::RowStore>(std::max<std::int64_t>(1, second),
                                                                           job.kept(), single, memory);
            } else {
                const auto products = spectrum::covarianceProducts(options.spectrum);
                job.accumulator = std::make_unique<CovarianceAccumulator>(job.kept(), products);
                if (options.heldOutSpectrum)
                    job.heldOut = std::make_unique<CovarianceAccumulator>(job.kept(), products);
            }
        }
        const auto passStart = std::chrono::steady_clock::now();
        stream.forEach(
            cancel,
            [&](std::int64_t first, const at::Tensor& batch) {
                const auto forwardStart = std::chrono::steady_clock::now();
                const std::vector<at::Tensor> outputs = model.capture(batch, names);
                spent.forward += secondsSince(forwardStart);
                for (std::size_t g = 0; g < group.size(); ++g) {
                    LayerJob& job = jobs[group[g]];
                    accumulateBatch(job, outputs[g], first, block, [&](const Eigen::MatrixXd& rows) {
                        const auto added = std::chrono::steady_clock::now();
                        const Eigen::Index inFirstHalf = options.heldOutSpectrum
                                                             ? std::clamp<Eigen::Index>(half - first, 0, rows.rows())
                                                             : rows.rows();
                        if (inFirstHalf > 0) job.addFirst(rows.topRows(inFirstHalf));
                        if (inFirstHalf < rows.rows()) job.addSecond(rows.bottomRows(rows.rows() - inFirstHalf));
                        job.accumulateSeconds += secondsSince(added);
                    });
                }
            },
            batchDone);
        spent.dataPasses += secondsSince(passStart);
        if (sharded) {
            for (std::size_t i : group)
                mergeShards(communicator, jobs[i], firstRows, samples - half, options.heldOutSpectrum);
        }
        // Rank 0 solves; the others only free what they held.
        distributed::together(communicator, [&] {
            if (root) {
                const auto solveStart = std::chrono::steady_clock::now();
                solveLayers(jobs, group, samples, options, model.name(), available);
                spent.spectra += secondsSince(solveStart);
                return;
            }
            for (std::size_t i : group)
                jobs[i] = releaseStatistics(std::move(jobs[i]));
        });
        // Layers without an exponent (collapsed, dead, non-finite) have no interval to resample. Gram-side layers
        // have their scores already; only covariance-side layers need the second pass, and a group without any
        // skips it. Rank 0 decides, from the spectra only it holds.
        std::vector<char> needsPass(group.size(), 0);
        distributed::together(communicator, [&] {
            if (!root) return;
            for (std::size_t g = 0; g < group.size(); ++g) {
                LayerJob& job = jobs[group[g]];
                if (!bootstrap || !job.spectrum.result.fitted()) continue;
                if (!job.gram) {
                    needsPass[g] = 1;
                    continue;
                }
                const auto bootstrapStart = std::chrono::steady_clock::now();
                spectrum::addBootstrapInterval(job.spectrum.result, job.spectrum.scores, resampling, {}, cancel);
                spent.bootstrap += secondsSince(bootstrapStart);
                job.spectrum.scores.resize(0, 0);
            }
        });
        if (sharded) communicator->broadcast(needsPass.data(), static_cast<std::int64_t>(needsPass.size()), 0);
        std::vector<std::size_t> resampled;
        for (std::size_t g = 0; g < group.size(); ++g)
            if (needsPass[g]) resampled.push_back(group[g]);
        if (!bootstrap || resampled.empty()) {
            if (bootstrap) report(2.0 * static_cast<double>(samples));
            continue;
        }

        std::vector<std::string> resampledNames;
        for (std::size_t i : resampled) {
            LayerJob& job = jobs[i];
            resampledNames.push_back(job.layer.name);
            // Every rank projects its own samples on rank 0's mean and basis.
            distributed::broadcastFromRoot(communicator, job.spectrum.mean);
            distributed::broadcastFromRoot(communicator, job.spectrum.bootstrapBasis);
            job.scores.resize(sharded ? localRows : samples, job.spectrum.bootstrapBasis.cols());
        }
        const auto projectionStart = std::chrono::steady_clock::now();
        stream.forEach(
            cancel,
            [&](std::int64_t first, const at::Tensor& batch) {
                const auto forwardStart = std::chrono::steady_clock::now();
                const std::vector<at::Tensor> outputs = model.capture(batch, resampledNames);
                spent.forward += secondsSince(forwardStart);
                for (std::size_t g = 0; g < resampled.size(); ++g) {
                    LayerJob& job = jobs[resampled[g]];
                    keptColumns(outputs[g], job.plan.columns, block);
                    job.scores.middleRows(sharded ? first - rowFirst : first, block.rows()) =
                        ((block.rowwise() - job.spectrum.mean.transpose()) * job.spectrum.bootstrapBasis).cast<float>();
                }
            },
            batchDone);
        // The second pass (forward, capture and projection) is shared by the group's resampled layers.
        const double passSeconds = secondsSince(projectionStart);
        spent.dataPasses += passSeconds;
        const double projectionSeconds = passSeconds / static_cast<double>(resampled.size());
        for (std::size_t i : resampled)
            if (sharded) jobs[i].scores = distributed::gatherRowBlocks(communicator, jobs[i].scores);
        distributed::together(communicator, [&] {
            for (std::size_t i : resampled) {
                LayerJob& job = jobs[i];
                if (root) {
                    job.spectrum.result.bootstrapSeconds += projectionSeconds;
                    const auto bootstrapStart = std::chrono::steady_clock::now();
                    spectrum::addBootstrapInterval(job.spectrum.result, job.scores, resampling, {}, cancel);
                    spent.bootstrap += secondsSince(bootstrapStart);
                }
                job.scores.resize(0, 0);
                report(static_cast<double>(samples) / resampled.size());
            }
        });
    }

    std::vector<LayerSpectrum> results;
    for (LayerJob& job : jobs) {
        job.spectrum.result.bootstrapRowsPerUnit = perInput; // the unit this analysis resamples, interval or not
        results.push_back({job.layer, std::move(job.spectrum.result), std::nullopt});
    }
    if (progress) progress({1.0, 0.0});
    return results;
}

models::LayerInfo findLayer(models::CapturableModel& model, const data::ImageBatch& example, const std::string& name) {
    return chooseLayers(model.discoverLayers(toTensor(example).clone()), {name}, model.name()).front();
}

std::vector<Eigen::MatrixXf> captureActivations(models::CapturableModel& model, const data::ImageBatch& images,
                                                const std::vector<std::string>& layerNames) {
    return captureActivations(model, toTensor(images), layerNames);
}

std::vector<Eigen::MatrixXf> captureActivations(models::CapturableModel& model, const at::Tensor& input,
                                                const std::vector<std::string>& layerNames) {
    const std::vector<at::Tensor> outputs = model.capture(input, layerNames);
    std::vector<Eigen::MatrixXf> matrices;
    for (const at::Tensor& output : outputs) {
        const at::Tensor contiguous = output.contiguous();
        Eigen::MatrixXf matrix(contiguous.size(0), contiguous.size(1));
        matrix = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            contiguous.data_ptr<float>(), contiguous.size(0), contiguous.size(1));
        matrices.push_back(std::move(matrix));
    }
    return matrices;
}

void addLayerCoding(models::CapturableModel& model, const data::Preprocessing& preprocessing,
                    std::vector<LayerSpectrum>& layers, const CodingOptions& options, std::int64_t memoryBudgetBytes,
                    const ProgressCallback& progress, const CancelToken* cancel) {
    if (options.projections < 1 || layers.empty()) return;
    // A stimulus that cannot be made or read out leaves every layer without its record; the spectra stand.
    auto noRecordAnywhere = [&](const InputError& error) {
        for (LayerSpectrum& entry : layers)
            entry.spectrum.warnings.push_back(std::string("no coding record: ") + error.what());
    };
    data::MovingDotStimulus dot;
    try {
        dot = movingDotForInput(preprocessing.channels, preprocessing.height, preprocessing.width, options.frames);
    } catch (const InputError& error) {
        noRecordAnywhere(error); // an input too small for the stimulus
        return;
    }
    const data::ImageBatch frames = data::preprocess(dot.frames, preprocessing);
    const Eigen::MatrixXd pixels =
        Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            frames.pixels.data(), frames.count, frames.imageSize())
            .cast<double>();
    // The read-out targets are the same for every layer: prepared once (a QR of the centred pixels), not per layer, and
    // before the frames' forward pass, which is wasted if they cannot be read out.
    CodingTargets targets;
    try {
        targets = codingTargets(pixels, dot);
    } catch (const InputError& error) {
        noRecordAnywhere(error);
        return;
    }
    const at::Tensor frameTensor = toTensor(frames);
    // The frames go through the model a batch at a time, by the data pass's rule (forward_batch.h). All 100 at once,
    // the paper's VAE at 224 x 224 held gigabytes of intermediates whose pages were all faulted in afresh: its coding
    // record took 22.7 s that way, 9.4 s in passes of 10 frames (actions equal to 6e-5 relative: float32 convolutions
    // at another batch size). Every layer's response to all frames is held at once (a projection needs them all), so
    // the layers go in groups whose responses fit what the batch leaves of the budget, one set of passes per group.
    const std::vector<models::LayerInfo> discovered =
        model.discoverLayers(frameTensor.narrow(0, 0, std::min<std::int64_t>(2, frames.count)));
    std::vector<models::LayerInfo> captured;
    for (const LayerSpectrum& entry : layers)
        captured.push_back(chooseLayers(discovered, {entry.layer.name}, model.name()).front());
    const ForwardBatch batch = forwardBatch(discovered, captured, 1, memoryBudgetBytes);
    const std::int64_t heldLimit = memoryBudgetBytes - batch.bytes();
    std::vector<std::pair<std::size_t, std::size_t>> groups; // [first, last) of layers
    for (std::size_t first = 0; first < captured.size();) {
        std::size_t last = first;
        std::int64_t held = 0;
        do {
            held += 4 * frames.count * captured[last++].features();
        } while (last < captured.size() && held + 4 * frames.count * captured[last].features() <= heldLimit);
        groups.emplace_back(first, last);
        first = last;
    }
    const std::int64_t passesPerGroup = (frames.count + batch.inputs - 1) / batch.inputs;
    const double forwardPasses = static_cast<double>(groups.size() * passesPerGroup);
    double passesDone = 0;
    double layersDone = 0;
    auto report = [&] { // half for the forward passes, half for the layers' projections
        if (progress)
            progress(0.5 * passesDone / forwardPasses + 0.5 * layersDone / static_cast<double>(layers.size()));
    };
    for (const auto& [firstLayer, lastLayer] : groups) {
        std::vector<std::string> names;
        for (std::size_t i = firstLayer; i < lastLayer; ++i)
            names.push_back(captured[i].name);
        std::vector<Eigen::MatrixXf> activations;
        for (std::int64_t first = 0; first < frames.count; first += batch.inputs) {
            if (cancel) cancel->throwIfCancelled();
            const std::int64_t count = std::min(batch.inputs, frames.count - first);
            std::vector<Eigen::MatrixXf> part = captureActivations(model, frameTensor.narrow(0, first, count), names);
            if (count == frames.count) {
                activations = std::move(part);
            } else {
                if (activations.empty()) // hundreds of MB for a wide layer: filled at once, so on huge pages
                    for (const Eigen::MatrixXf& layer : part)
                        resizeOnHugePages(activations.emplace_back(), frames.count, layer.cols());
                for (std::size_t i = 0; i < part.size(); ++i)
                    activations[i].middleRows(first, count) = part[i];
            }
            ++passesDone;
            report();
        }
        for (std::size_t i = firstLayer; i < lastLayer; ++i) {
            if (cancel) cancel->throwIfCancelled();
            Eigen::MatrixXf& response = activations[i - firstLayer];
            // A layer whose response to the dot cannot be measured is a result of that layer, not a failed analysis.
            std::vector<std::string>& warnings = layers[i].spectrum.warnings;
            if (!response.allFinite()) {
                warnings.push_back("no coding record: the moving dot's activations hold NaN or Inf");
            } else {
                try {
                    layers[i].coding = layerCoding(response, targets, layers[i].spectrum.alpha, options);
                } catch (const InputError& error) {
                    warnings.push_back(std::string("no coding record: ") + error.what());
                }
            }
            response.resize(0, 0); // held no longer than needed
            ++layersDone;
            report();
        }
    }
}

} // namespace codescope::capture
