#pragma once
// The paper's experimental settings (Methods, Figs. 3-6), defined once. Every default of the engine, the CLI's flags,
// the app's dialog and the demo comes from here, so a reader finds what "the paper's defaults" means in one place.
#include <array>
#include <cstdint>

namespace codescope::paper {

/// Images per analysis (Methods: "1000 images of the test set").
inline constexpr std::int64_t kSamples = 1000;
/// Bootstrap resamples for the 95% interval of alpha.
inline constexpr int kBootstrapResamples = 200;
/// At most this many PCA components per layer.
inline constexpr std::int64_t kMaxComponents = 1000;
/// Features are strided so that fewer than this many are kept per layer.
inline constexpr std::int64_t kMaxFeatures = 8000;
/// The power-law fit runs over components kFitLo..kFitHi (1-based, inclusive).
inline constexpr int kFitLo = 10;
inline constexpr int kFitHi = 50;
/// Random projections per layer for the action and explained variance (Fig. 4c: "1000 random projections").
inline constexpr int kProjections = 1000;
/// The dropout rates of the sweep (Fig. 6: 0% to 80%).
inline constexpr std::array<double, 5> kDropoutRates = {0.0, 0.2, 0.4, 0.6, 0.8};

// The authors' ResNet-VAE experiment (Methods, "Model training", and their ResNetVAE_cifar10.py / modules.py):
// `train --preset paper` and the "differs from the paper" lists of every result are made from these.
/// Training epochs (the paper's text; the authors' script defaults to 200).
inline constexpr std::int64_t kTrainEpochs = 20;
inline constexpr std::int64_t kTrainBatchSize = 50;
/// Adam's learning rate.
inline constexpr double kTrainLearningRate = 1e-3;
/// CIFAR-10's train split, every image of which trains the model; resized to kInputSize x kInputSize, 3 channels.
inline constexpr std::int64_t kTrainImages = 50000;
inline constexpr std::int64_t kInputSize = 224;
inline constexpr std::int64_t kInputChannels = 3;
/// fc_hidden1, fc_hidden2 and CNN_embed_dim of the authors' ResNet_VAE (the paper's text: 1024, 1024 and 256).
inline constexpr std::int64_t kHidden1 = 1024;
inline constexpr std::int64_t kHidden2 = 768;
inline constexpr std::int64_t kLatent = 256;
/// The dropout rate of the paper's main model (Figs. 3-4).
inline constexpr double kDropout = 0.2;

} // namespace codescope::paper
