#pragma once
// Training the paper's ResNet-VAE (Methods, "Model training") and its dropout sweep (Fig. 5, 6): one run per
// dropout rate, each in its own folder with a manifest, a resumable checkpoint and the trained state_dict.
// No LibTorch type appears here, so the CLI and the GUI include this header without the torch headers.
//
// A run folder OUT/dropout-0.2/ holds
//   manifest.json   what the run is and how far it got (written atomically after every epoch)
//   checkpoint.pt   model + Adam state + epoch + loss history after the last finished epoch (LibTorch archive;
//                   written atomically, so an interrupted run resumes from its last finished epoch)
//   model.pt        the trained model's state_dict, written when the run finishes, in torch.save's format:
//                   Python reads it with model.load_state_dict(torch.load("model.pt"))
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/common/job_control.h"
#include "core/data/image_batch.h"
#include "core/models/vae_dropout.h"
#include "core/training/vae_run_record.h"

namespace codescope::training {

/// One training run. Defaults: the "demo" preset, the small CPU model on a Fashion-MNIST subset, sized so that the
/// whole five-run dropout sweep takes about ten minutes on two CPU cores; batch size, learning rate, dropout
/// placement and loss are the authors'. trainingPreset("paper") gives the authors' experiment.
struct TrainOptions {
    std::string preset = "demo";            ///< the preset these options started from, recorded in the manifest
    std::string model = "resnet-vae-small"; ///< models::resnetVaeModelNames(): "resnet-vae-small", "resnet-vae"
    std::string dataset = "fashion-mnist";  ///< see loadTrainingData
    double dropout = 0.2;                   ///< in [0, 1), after the ReLUs dropoutPlacement names
    models::DropoutPlacement dropoutPlacement = models::DropoutPlacement::Encoder; ///< the authors': encoder only
    VaeLoss loss = VaeLoss::Bce; ///< the authors' code: BCE + KL (the paper's text: MSE + KL)
    std::int64_t epochs = 3;
    std::int64_t trainSamples = 12000; ///< the first N images of the train split; 0 = all
    std::int64_t testSamples = 1000;   ///< the first N images of the test split; 0 = all
    std::int64_t batchSize = 50;       ///< paper: 50
    double learningRate = 1e-3;        ///< Adam, paper: 1e-3
    std::uint64_t seed = 0;            ///< initial weights, shuffling, dropout masks and VAE sampling
    int threads = 0;                   ///< LibTorch intra-op threads; 0 = LibTorch's default
};

/// The names trainingPreset accepts: "demo", "paper".
std::vector<std::string> trainingPresetNames();

/// The options of a preset. "demo": the defaults above (resnet-vae-small, 1 x 28 x 28 Fashion-MNIST, 3 epochs of
/// 12000 images, 1000 test images). "paper": the authors' experiment (core/common/paper_defaults.h): resnet-vae
/// (fc 1024 / 768, latent 256, 3 x 224 x 224), CIFAR-10 ("cifar10": the caller adds the folder, "cifar10:PATH"),
/// every train and test image, 20 epochs, batch 50, Adam 1e-3; days on a CPU. Both: dropout in the encoder, BCE.
/// Throws InputError naming the presets for another name.
TrainOptions trainingPreset(const std::string& name);

/// Throws InputError if an option is out of range or names an unknown model (what trainVaeRun checks before it
/// starts; the CLI calls it before loading data).
void validateOptions(const TrainOptions& options);

/// Reported after every batch (and after each evaluation of the test loss).
struct TrainingProgress {
    double fraction = 0;    ///< of the whole job (one run, or the sweep), in [0, 1]
    int run = 0, runs = 1;  ///< 0-based index of the run in progress, number of runs in the job
    double dropout = 0;     ///< of the run in progress
    std::int64_t epoch = 0; ///< 0-based epoch in progress
    std::int64_t epochs = 0;
    double samplesPerSecond = 0; ///< training images per second, over this job so far (0 until measured)
    double etaSeconds = -1;      ///< estimated seconds left for the job; negative until measured
    double trainLoss = 0;        ///< mean loss per image over the epoch so far (training mode)
};
using TrainingProgressCallback = std::function<void(const TrainingProgress&)>;

/// Train and test images, as the data set hands them out (e.g. 1 x 28 x 28 in [0, 1]); each batch is preprocessed
/// to the model's input (data::preprocess: resize, grey <-> RGB, no normalisation), which is also the BCE target.
struct TrainingData {
    data::ImageBatch train;
    data::ImageBatch test;
    std::string name; ///< for the manifest, e.g. "fashion-mnist"
};

/// The first options.trainSamples images of the data set's train split and the first options.testSamples of its
/// test split (all when 0 or more than there are). Datasets: "fashion-mnist" (the packaged Fashion-MNIST),
/// "fashion-mnist:PATH" (a folder with the IDX files), "cifar10:PATH" (a folder with data_batch_1..5.bin and
/// test_batch.bin). Throws InputError for another kind (no train split) or a bad file.
TrainingData loadTrainingData(const TrainOptions& options);

/// Loss per image of a finished epoch, and its wall time.
struct EpochRecord {
    double trainLoss = 0; ///< mean over the epoch's batches, training mode (dropout on, z sampled)
    double testLoss = 0;  ///< mean over the test images, eval mode (no dropout, z = mu)
    double seconds = 0;   ///< training + test evaluation
};

struct RunSummary {
    enum class Outcome { Trained, Resumed, AlreadyFinished };
    std::string directory;
    double dropout = 0;
    Outcome outcome = Outcome::Trained;
    std::int64_t startEpoch = 0;     ///< epochs that were already done when this call started
    double untrainedTestLoss = 0;    ///< test loss of the freshly initialised model (eval mode)
    std::vector<EpochRecord> epochs; ///< all finished epochs, including those of earlier calls
    std::int64_t trainSamples = 0, testSamples = 0;
};

/// The VAE loss of a forward pass, summed over the batch: options.loss's reconstruction term (BCE or squared error of
/// `reconstruction` against `target`, both N x C x H x W in [0, 1], summed over pixels) plus the KL divergence
/// -1/2 sum(1 + logvar - mu^2 - exp(logvar)) of mu, logvar (N x latent). All float32 in row-major order; for tests
/// and tools without LibTorch types. Throws InputError for sizes that disagree.
double vaeLossValue(VaeLoss loss, const std::vector<float>& reconstruction, const std::vector<float>& target,
                    const std::vector<float>& mu, const std::vector<float>& logvar);

/// Trains one run into `runDir` (created if needed). The loss is the VAE's (vaeLossValue: options.loss's
/// reconstruction term against the (preprocessed) input, summed over pixels, plus the KL divergence); optimised per
/// batch (sum over the batch) with Adam; reported per
/// image. Resumes from runDir's checkpoint when there is one (the settings must match, only `epochs` may grow) and
/// returns at once if the run already has options.epochs epochs. Every epoch reseeds from (seed, epoch), so a
/// resumed run computes the same numbers as an uninterrupted one. A last batch of a single image is skipped
/// (BatchNorm needs two). Throws InputError (bad options, a checkpoint of other settings or a corrupt one, an
/// unwritable folder), Cancelled (the last finished epoch's checkpoint stays).
RunSummary trainVaeRun(const TrainOptions& options, const TrainingData& data, const std::string& runDir,
                       const TrainingProgressCallback& progress = {}, const CancelToken* cancel = nullptr);

/// Seconds one epoch of `options` on `data` will take on this machine, estimated before training from one timed
/// training step on the first batch (forward, backward, Adam) of a freshly initialised model, plus a third of that
/// per test image for the test loss. The first step carries warm-up costs, so this errs long. Throws what
/// trainVaeRun throws for bad options or data.
double estimateEpochSeconds(const TrainOptions& options, const TrainingData& data);

/// "dropout-0.2": the folder name of a sweep's run (the rate printed as %g).
std::string runDirectoryName(double dropout);

/// The dropout sweep: for each rate a run in outDir/runDirectoryName(rate) with `base`'s other settings, in order;
/// finished runs are skipped and an interrupted one is resumed, so re-running the same sweep completes it. After
/// each run, outDir/sweep.json lists the runs done so far (rate, folder, epochs, untrained and final test loss).
/// Progress covers the whole sweep. Throws what trainVaeRun throws, and InputError for an empty or repeated rate list.
std::vector<RunSummary> trainDropoutSweep(const TrainOptions& base, const std::vector<double>& dropouts,
                                          const TrainingData& data, const std::string& outDir,
                                          const TrainingProgressCallback& progress = {},
                                          const CancelToken* cancel = nullptr);

} // namespace codescope::training
